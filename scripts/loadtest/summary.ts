import type { Aggregator, SeriesRow } from "./aggregator.ts";
import { percentiles, type Percentiles } from "./histogram.ts";
import { LATENCY_METRICS, unitOf, type Counter, type LatencyMetric } from "./metric-names.ts";
import type { LoadTestOptions } from "./options.ts";

export interface ServerProcessUsage {
  pid: number;
  cores: number;
  rssPeakMiB: number;
  rssAvgMiB: number;
}

/** Everything a load test found; written as summary.json and read by the benchmark. */
export interface LoadTestSummary {
  options: LoadTestOptions;
  startedAt: string;
  /** Seconds from the first join to the last first-join attempt. */
  rampSeconds: number;
  /** Length of the measured window in seconds. */
  windowSeconds: number;
  /** The window's start and end on the monotonic clock in microseconds (see Aggregator.windowMonotonicUs). */
  windowMonotonicUs: [number, number];
  clients: {
    target: number;
    peakConnected: number;
    /** Mean of the connected clients over the measured window. */
    avgConnected: number;
    rooms: number;
    /** Connected clients by the node (`host:port`) that runs their room, at the end of the window. */
    byNode: Record<string, number>;
    joinFailures: number;
    drops: number;
    rejoins: number;
    errors: number;
  };
  /** Per-second rates inside the measured window. */
  rates: {
    inputs: number;
    frames: number;
    bytesIn: number;
    chatsSent: number;
    chatsReceived: number;
    /** Global chat messages sent, and received counted once per receiving client. */
    globalChatsSent: number;
    globalChatsReceived: number;
  };
  /** Percentiles inside the measured window (join and guest: over the whole run, as joins happen in the ramp). */
  latency: Record<LatencyMetric, Percentiles>;
  server: {
    pids: number[];
    /** Mean cores used by all server processes together in the window. */
    cores: number;
    coresPer1000Clients: number;
    /** Clients one fully busy core would hold at this cost: avgConnected / cores. */
    clientsPerCore: number;
    /** RSS of the server processes before the first bot joined. */
    rssBaselineMiB: number;
    /** RSS growth over that baseline per 1,000 connected clients. */
    rssMiBPer1000Clients: number;
    processes: ServerProcessUsage[];
  };
  /** Bot processes, their cores, and the worst per-second event-loop delay p99 among them in the window. */
  bots: { processes: number; cores: number; loopDelayP99Ms: number };
  /** Mean cores the rest of the machine used in the window: Redis, PostgreSQL, idle servers and other people's work. */
  otherLoadCores: number;
  counters: Record<Counter, number>;
  errorKinds: Record<string, number>;
  series: SeriesRow[];
}

/** Metrics whose percentiles come from the whole run instead of the window. */
const WHOLE_RUN_METRICS: ReadonlySet<LatencyMetric> = new Set(["join", "guest"]);

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function buildSummary(
  options: LoadTestOptions,
  aggregator: Aggregator,
  timing: { startedAt: Date; rampSeconds: number; rssBaselineMiB: number },
  serverPids: number[],
): LoadTestSummary {
  const usage = aggregator.usage;
  const seconds = Math.max(usage.seconds, 0.001);
  const avgConnected = usage.clientSeconds / seconds;
  const cores = usage.serverCoreSeconds / seconds;
  const counters = aggregator.windowCounters();
  const processes = [...usage.perPid.entries()].map(([pid, entry]) => ({
    pid,
    cores: round(entry.coreSeconds / seconds),
    rssPeakMiB: Math.round(entry.rssPeak),
    rssAvgMiB: Math.round(entry.rssSum / Math.max(1, entry.samples)),
  }));
  const rssGrowth = processes.reduce((sum, entry) => sum + entry.rssAvgMiB, 0) - timing.rssBaselineMiB;
  const latency = Object.fromEntries(
    LATENCY_METRICS.map((name) => [
      name,
      WHOLE_RUN_METRICS.has(name) ? percentiles(aggregator.whole[name]) : aggregator.windowPercentiles(name),
    ]),
  ) as Record<LatencyMetric, Percentiles>;
  const totals = aggregator.totals();
  const windowRows = aggregator.series.filter((row) => row.inWindow);

  return {
    options,
    startedAt: timing.startedAt.toISOString(),
    rampSeconds: round(timing.rampSeconds, 1),
    windowSeconds: round(seconds, 1),
    windowMonotonicUs: aggregator.windowMonotonicUs,
    clients: {
      target: options.clients,
      peakConnected: aggregator.peakConnected,
      avgConnected: round(avgConnected, 1),
      rooms: windowRows.length > 0 ? Math.max(...windowRows.map((row) => row.rooms)) : 0,
      byNode: aggregator.windowConnectedByNode,
      joinFailures: totals.joinFailures,
      drops: totals.drops,
      rejoins: totals.rejoins,
      errors: totals.errors,
    },
    rates: {
      inputs: round(counters.inputsSent / seconds, 1),
      frames: round(counters.framesReceived / seconds, 1),
      bytesIn: round(counters.bytesReceived / seconds, 0),
      chatsSent: round(counters.chatsSent / seconds, 2),
      chatsReceived: round(counters.chatsReceived / seconds, 2),
      globalChatsSent: round(counters.globalChatsSent / seconds, 2),
      globalChatsReceived: round(counters.globalChatsReceived / seconds, 2),
    },
    latency,
    server: {
      pids: serverPids,
      cores: round(cores),
      coresPer1000Clients: avgConnected > 0 ? round((cores * 1000) / avgConnected, 4) : 0,
      clientsPerCore: cores > 0 ? Math.round(avgConnected / cores) : 0,
      rssBaselineMiB: Math.round(timing.rssBaselineMiB),
      // RSS can shrink below the idle sample after a collection; report no growth then.
      rssMiBPer1000Clients: avgConnected > 0 ? round((Math.max(0, rssGrowth) * 1000) / avgConnected, 1) : 0,
      processes,
    },
    bots: {
      processes: options.processes,
      cores: round(usage.botCoreSeconds / seconds),
      loopDelayP99Ms: Math.max(0, ...windowRows.map((row) => row.botLoopDelayP99Ms)),
    },
    otherLoadCores: round(usage.otherCoreSeconds / seconds),
    counters: totals,
    errorKinds: aggregator.errorKinds(),
    series: aggregator.series,
  };
}

function line(name: LatencyMetric, p: Percentiles): string {
  return `  ${name.padEnd(24)} n=${String(p.count).padStart(8)}  p50 ${p.p50.toFixed(1).padStart(7)}  p95 ${p.p95.toFixed(1).padStart(7)}  p99 ${p.p99.toFixed(1).padStart(7)}  p99.9 ${p.p999.toFixed(1).padStart(7)}  max ${p.max.toFixed(1).padStart(7)} ${unitOf(name)}`;
}

/** Formats the end-of-run text summary. */
export function formatSummary(summary: LoadTestSummary): string {
  const { clients, rates, server, bots, counters } = summary;
  const nodes = Object.entries(clients.byNode);
  const global =
    counters.globalChatsSent > 0
      ? ` (global out ${rates.globalChatsSent} in ${rates.globalChatsReceived}, ${counters.globalChatDuplicates} duplicates dropped)`
      : "";
  const lines = [
    `Load test: ${clients.target} clients, ramp ${summary.rampSeconds}s, measured ${summary.windowSeconds}s`,
    `  connected avg ${clients.avgConnected} peak ${clients.peakConnected} in ${clients.rooms} rooms; join failures ${clients.joinFailures}, drops ${clients.drops}, rejoins ${clients.rejoins}, errors ${clients.errors}`,
    ...(nodes.length > 1 ? [`  clients by node: ${nodes.map(([node, count]) => `${node} ${count}`).join(", ")}`] : []),
    `  messages/s: inputs out ${rates.inputs}, frames in ${rates.frames} (${Math.round(rates.bytesIn / 1024)} KiB/s), chats out ${rates.chatsSent} in ${rates.chatsReceived}${global}; chats rate-limited ${counters.chatsRateLimited}`,
    "Latency (input RTT = input sent until a state frame shows it applied):",
    // Global chat rows stay out of runs without global chat, where they would only show zeros.
    ...LATENCY_METRICS.filter((name) => summary.latency[name].count > 0 || !name.startsWith("globalChat")).map((name) => line(name, summary.latency[name])),
    `Server (${server.pids.join(", ") || "no process found"}): ${server.cores} cores, ${server.coresPer1000Clients} cores per 1,000 clients (${server.clientsPerCore} clients per core), ${server.rssMiBPer1000Clients} MiB RSS per 1,000 clients above the idle ${server.rssBaselineMiB} MiB`,
    ...server.processes.map((entry) => `  pid ${entry.pid}: ${entry.cores} cores, RSS avg ${entry.rssAvgMiB} MiB peak ${entry.rssPeakMiB} MiB`),
    `Bots: ${bots.processes} processes using ${bots.cores} cores, event-loop delay p99 up to ${bots.loopDelayP99Ms} ms`,
    `Other load on the machine (Redis, PostgreSQL, anything else): ${summary.otherLoadCores} cores`,
  ];
  const kinds = Object.entries(summary.errorKinds);
  if (kinds.length > 0) lines.push("Errors:", ...kinds.map(([kind, count]) => `  ${count} x ${kind}`));
  return lines.join("\n");
}
