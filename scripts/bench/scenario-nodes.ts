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
  await context.redis.flush();
  const first = await context.startArena("node-1", basePort, { TRANSPORT: "uws" });
  let one: LoadTestSummary;
  let two: LoadTestSummary;
  try {
    one = await context.loadTest("nodes-1", first.port, [first.pid], { clients });
    const second = await context.startArena("node-2", basePort + 1, { TRANSPORT: "uws", RUN_WORKER: "false" });
    two = await context.loadTest("nodes-2", first.port, [first.pid, second.pid], { clients });
  } finally {
    await context.stopAll();
  }
  return describe(clients, one, two);
}

function describe(clients: number, one: LoadTestSummary, two: LoadTestSummary): Section {
  // Capacity of n nodes = n cores × clients per core at that setup's cost.
  const carry = one.server.clientsPerCore > 0 ? (2 * two.server.clientsPerCore) / one.server.clientsPerCore : 0;
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
    `${clients} clients, 16 per room, uWebSockets.js. The machine has 2 cores shared with the bots, so neither setup is driven to saturation; capacity is extrapolated as nodes × clients per core, where clients per core uses the CPU of all server processes together.`,
    "",
    table(["setup", "clients", "cores per node", "cores / 1k clients", "clients / core", "RTT p50", "RTT p99", "join p99", "other load cores"], [row("1 node", one), row("2 nodes", two)]),
    "",
    `- Two nodes carry **${fixed(carry)}×** one node (2 × ${two.server.clientsPerCore} / ${one.server.clientsPerCore}).`,
  ].join("\n");
  return {
    title: "One node against two nodes",
    markdown,
    data: { one: { ...one, series: undefined }, two: { ...two, series: undefined } },
    targets: [
      {
        name: "2 nodes carry ≥ 1.8× one",
        target: "≥ 1.80",
        measured: fixed(carry),
        met: carry >= 1.8,
        unreliable: contamination([one, two]),
        note: `${carry >= 1.8 ? "met" : `missed by ${fixed(1.8 - carry)}`}, extrapolated from CPU per client, since two saturated nodes plus bots need more than 2 cores`,
      },
    ],
  };
}
