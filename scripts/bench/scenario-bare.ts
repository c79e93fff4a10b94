import { Redis } from "ioredis";
import type { LoadTestSummary } from "../loadtest/summary.ts";
import { log, type BenchContext } from "./context.ts";
import { contamination } from "./contamination.ts";
import { fixed, table, type Section, type TargetResult } from "./section.ts";
import { WriteCounter } from "./write-counter.ts";

type Variant = "arena" | "bare" | "bare-aligned";
const VARIANTS: Variant[] = ["arena", "bare", "bare-aligned"];
const DRAIN_POLL_MS = 1000;

interface Run {
  variant: Variant;
  summary: LoadTestSummary;
}

/** Mean of one figure over the runs of a variant. */
function mean(runs: Run[], variant: Variant, pick: (summary: LoadTestSummary) => number): number {
  const values = runs.filter((run) => run.variant === variant).map((run) => pick(run.summary));
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

/** Waits until no profile is dirty in the cache, so every change has reached PostgreSQL. */
async function drainDirtyProfiles(redisUrl: string, timeoutMs: number): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const deadline = Date.now() + timeoutMs;
    let dirty = await redis.zcard("bench:profiles:dirty");
    while (dirty > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      dirty = await redis.zcard("bench:profiles:dirty");
    }
    return dirty;
  } finally {
    redis.disconnect();
  }
}

/**
 * Runs the arena room, the bare room (same schema and movement, nothing else) and the bare
 * room with the proposed tick changes at the same load, alternating. The arena node's play
 * also gives the write-behind figures: profile changes against database writes.
 */
export async function arenaVersusBare(context: BenchContext, basePort: number): Promise<Section> {
  const clients = context.quick ? 160 : 640;
  const rounds = context.quick ? 1 : 2;
  await context.redis.flush();
  const counter = new WriteCounter(context.databaseUrl);
  const servers = {
    arena: await context.startArena("arena", basePort, { TRANSPORT: "uws" }),
    bare: await context.startBare("bare", basePort + 1, "uws", false),
    "bare-aligned": await context.startBare("bare-aligned", basePort + 2, "uws", true),
  };
  await counter.install();
  const before = await counter.read();
  const runs: Run[] = [];
  let undrained = 0;
  try {
    for (let round = 1; round <= rounds; round += 1) {
      for (const variant of VARIANTS) {
        const server = servers[variant];
        runs.push({ variant, summary: await context.loadTest(`${variant}-${round}`, server.port, [server.pid], { clients }) });
      }
    }
    log("waiting for the arena node to write every dirty profile behind");
    undrained = await drainDirtyProfiles(context.redis.url, context.quick ? 40_000 : 75_000);
  } finally {
    await context.stopAll();
  }
  const after = await counter.read();
  return describe(runs, clients, { writes: after.writes - before.writes, changes: after.versions - before.versions, players: after.players - before.players, undrained });
}

interface WriteBehind {
  writes: number;
  changes: number;
  players: number;
  undrained: number;
}

function describe(runs: Run[], clients: number, writeBehind: WriteBehind): Section {
  const cost = (variant: Variant) => mean(runs, variant, (summary) => summary.server.coresPer1000Clients);
  // The arena runs the step loop of `bare-aligned` (patch right after each step), so that variant
  // has the same movement and schedule. The plain bare room shows what the loop itself costs.
  const ratio = cost("bare-aligned") > 0 ? cost("arena") / cost("bare-aligned") : 0;
  const ratioPlain = cost("bare") > 0 ? cost("arena") / cost("bare") : 0;
  const changesPerWrite = writeBehind.writes > 0 ? writeBehind.changes / writeBehind.writes : 0;
  log(`arena/bare-aligned CPU ${fixed(ratio)}, arena/bare ${fixed(ratioPlain)}; write-behind ${writeBehind.changes} changes / ${writeBehind.writes} writes`);

  const rows = runs.map((run) => {
    const { summary } = run;
    return [
      run.variant,
      summary.clients.avgConnected,
      fixed(summary.server.cores),
      fixed(summary.server.coresPer1000Clients, 3),
      summary.latency.inputRtt.p50,
      summary.latency.inputRtt.p99,
      summary.latency.inputRtt.p999,
      summary.latency.patchJitter.p99,
      `${summary.latency.inputBacklog.p50} / ${summary.latency.inputBacklog.p99}`,
      summary.server.processes.reduce((sum, entry) => sum + entry.rssAvgMiB, 0),
      summary.bots.loopDelayP99Ms,
      fixed(summary.otherLoadCores),
    ];
  });
  const markdown = [
    `${clients} clients, 16 per room, uWebSockets.js transport, the three servers up at once and the runs alternating (${runs.length / VARIANTS.length} round(s)). \`bare\` is \`scripts/bench/bare-room.ts\`: the same state and input schemas, input credit, movement and orb rules, without authentication, round ledger, live score sync to Redis, logging and chat. \`bare-aligned\` is the bare room with the tick changes proposed below.`,
    "",
    table(["room", "clients", "server cores", "cores / 1k clients", "RTT p50", "RTT p99", "RTT p99.9", "patch jitter p99", "backlog p50 / p99", "server RSS MiB", "bot loop delay p99", "other load cores"], rows),
    "",
    `- CPU per client, arena / bare-aligned (same step loop): **${fixed(ratio)}** (means over the runs: ${fixed(cost("arena"), 3)} and ${fixed(cost("bare-aligned"), 3)} cores per 1,000 clients).`,
    `- Against the bare room with Colyseus's own loop: arena / bare ${fixed(ratioPlain)} (bare ${fixed(cost("bare"), 3)} cores per 1,000 clients), RTT p99 ${fixed(mean(runs, "bare-aligned", (summary) => summary.latency.inputRtt.p99), 1)} ms with the step loop against ${fixed(mean(runs, "bare", (summary) => summary.latency.inputRtt.p99), 1)} ms without.`,
    "",
    "### Profile write-behind during play",
    "",
    `Counted on the arena node's runs above: a trigger on \`players\` logs every row update (as in \`test/write-behind.test.ts\`), and the \`version\` column, which the cache raises by one per profile change, gives the changes. After the runs the benchmark waits until the dirty set is empty, so every change has been written (${writeBehind.undrained} profiles were still dirty when it gave up waiting). PROFILE_FLUSH_DELAY_MS is the default 15,000.`,
    "",
    table(["players who changed", "profile changes", "database writes", "changes per write"], [[writeBehind.players, writeBehind.changes, writeBehind.writes, fixed(changesPerWrite)]]),
  ].join("\n");

  const targets: TargetResult[] = [
    {
      name: "arena CPU per client ≤ 1.2× bare room (same step loop)",
      target: "≤ 1.20",
      measured: fixed(ratio),
      met: ratio > 0 && ratio <= 1.2,
      unreliable: contamination(runs.filter((run) => run.variant !== "bare").map((run) => run.summary)),
      note: ratio > 1.2 ? `missed by ${fixed(ratio - 1.2)}; see the profile below for where the difference goes` : "met",
    },
    {
      name: "profile changes per database write during play",
      target: "≥ 20",
      measured: fixed(changesPerWrite),
      met: changesPerWrite >= 20,
      note:
        changesPerWrite >= 20
          ? "met"
          : `${fixed(changesPerWrite / 20)}× of the target. A profile changes at most once per live score sync (1 s, and only when the player scored), and a player's changes within one flush delay (PROFILE_FLUSH_DELAY_MS, 15 s) share one write. So even a player who scores every second gives at most 15 changes per write: reaching 20 needs a flush delay of at least 20 s, and with these bots, which move at random and pick up an orb about every 5 s, about 100 s. Sessions in this run are also short, so each pays a final write`,
    },
  ];
  return { title: "Arena room against a bare Colyseus room", markdown, targets, data: { runs: runs.map((run) => ({ variant: run.variant, summary: { ...run.summary, series: undefined } })), writeBehind } };
}
