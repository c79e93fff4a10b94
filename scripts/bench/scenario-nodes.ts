import type { LoadTestSummary } from "../loadtest/summary.ts";
import { log, type BenchContext } from "./context.ts";
import { contamination } from "./contamination.ts";
import { fixed, table, type Section } from "./section.ts";

/**
 * Compares one game node with two on the same machine: two `src/server/main.ts` processes sharing
 * Redis presence and driver, each announcing its own PUBLIC_ADDRESS, the second without job
 * workers. Bots create guests and matchmake through the first node. The matchmaker places
 * rooms on either node, and each WebSocket goes to the node that runs its room.
 */
export async function oneVersusTwoNodes(context: BenchContext, basePort: number): Promise<Section> {
  const clients = context.quick ? 240 : 960;
  // Alternating the setups spreads the machine's drifting background load over both.
  const rounds = context.quick ? 1 : 2;
  await context.redis.flush();
  const first = await context.startArena("node-1", basePort, { TRANSPORT: "uws" });
  const ones: LoadTestSummary[] = [];
  const twos: LoadTestSummary[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      ones.push(await context.loadTest(`nodes-1-r${round}`, first.port, [first.pid], { clients }));
      const second = await context.startArena(`node-2-r${round}`, basePort + 1, { TRANSPORT: "uws", RUN_WORKER: "false" });
      try {
        twos.push(await context.loadTest(`nodes-2-r${round}`, first.port, [first.pid, second.pid], { clients }));
      } finally {
        await context.stop(second);
      }
    }
  } finally {
    await context.stopAll();
  }
  return describe(clients, ones, twos);
}

/** Mean clients per core over the runs of one setup. */
function meanClientsPerCore(runs: LoadTestSummary[]): number {
  return runs.reduce((sum, run) => sum + run.server.clientsPerCore, 0) / Math.max(1, runs.length);
}

function describe(clients: number, ones: LoadTestSummary[], twos: LoadTestSummary[]): Section {
  // Capacity of n nodes = n cores × clients per core at that setup's cost.
  const onePerCore = meanClientsPerCore(ones);
  const twoPerCore = meanClientsPerCore(twos);
  const carry = onePerCore > 0 ? (2 * twoPerCore) / onePerCore : 0;
  log(`nodes: 2 nodes carry ${fixed(carry)}× one`);
  const row = (label: string, summary: LoadTestSummary) => [
    label,
    summary.clients.avgConnected,
    summary.server.processes.map((entry) => fixed(entry.cores)).join(" + "),
    fixed(summary.server.coresPer1000Clients, 3),
    summary.server.clientsPerCore,
    summary.latency.inputRtt.p50,
    summary.latency.inputRtt.p99,
    summary.latency.join.p99,
    fixed(summary.otherLoadCores),
  ];
  const markdown = [
    `${clients} clients, 16 per room, uWebSockets.js, ${ones.length} run(s) of each setup, alternating. The machine has 2 cores shared with the bots, so neither setup is driven to saturation. Capacity is extrapolated as nodes × clients per core, where clients per core uses the CPU of all server processes together (the second node's idle cost included).`,
    "",
    table(["setup", "clients", "cores per node", "cores / 1k clients", "clients / core", "RTT p50", "RTT p99", "join p99", "other load cores"], ones.flatMap((one, index) => [row("1 node", one), ...(twos[index] ? [row("2 nodes", twos[index])] : [])])),
    "",
    `- Two nodes carry **${fixed(carry)}×** one node (2 × ${Math.round(twoPerCore)} / ${Math.round(onePerCore)}, means over the runs).`,
  ].join("\n");
  return {
    title: "One node against two nodes",
    markdown,
    data: { one: ones.map((run) => ({ ...run, series: undefined })), two: twos.map((run) => ({ ...run, series: undefined })) },
    targets: [
      {
        name: "2 nodes carry ≥ 1.8× one",
        target: "≥ 1.80",
        measured: fixed(carry),
        met: carry >= 1.8,
        unreliable: contamination([...ones, ...twos]),
        note: `${carry >= 1.8 ? "met" : `missed by ${fixed(1.8 - carry)}`}, extrapolated from CPU per client, since two saturated nodes plus bots need more than 2 cores`,
      },
    ],
  };
}
