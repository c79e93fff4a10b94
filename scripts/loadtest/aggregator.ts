import type { ProcessReport } from "./bot-metrics.ts";
import { addEncoded, newHistogram, percentiles, type Histogram, type Percentiles } from "./histogram.ts";
import { COUNTERS, LATENCY_METRICS, type Counter, type LatencyMetric } from "./metric-names.ts";
import type { ProcessSample } from "./proc-stats.ts";

/** One second of the run, as the live line, the JSON and the chart show it. */
export interface SeriesRow {
  /** Seconds since the load test started. */
  t: number;
  connected: number;
  joining: number;
  rooms: number;
  inWindow: boolean;
  inputsPerSecond: number;
  framesPerSecond: number;
  rttP50: number;
  rttP99: number;
  /** Global chat delay over all receivers in this second, in ms; 0 when no global message arrived. */
  globalChatP50: number;
  globalChatP99: number;
  joinFailures: number;
  errors: number;
  /** Sum over the server processes, in cores. */
  serverCores: number;
  serverRssMiB: number;
  botCores: number;
  /** Highest event-loop delay p99 among the bot processes in this second, in ms. */
  botLoopDelayP99Ms: number;
  /**
   * Busy cores of the whole machine, and the part used by neither the measured servers nor the
   * bots: Redis, PostgreSQL, idle servers and other people's work on the shared cores.
   */
  machineCores: number;
  otherCores: number;
}

type Histograms = Record<LatencyMetric, Histogram>;

function histogramSet(): Histograms {
  return Object.fromEntries(LATENCY_METRICS.map((name) => [name, newHistogram()])) as Histograms;
}

function zeroCounters(): Record<Counter, number> {
  return Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Record<Counter, number>;
}

/** Server usage accumulated over the measured window. */
interface WindowUsage {
  seconds: number;
  clientSeconds: number;
  serverCoreSeconds: number;
  botCoreSeconds: number;
  otherCoreSeconds: number;
  perPid: Map<number, { coreSeconds: number; rssPeak: number; rssSum: number; samples: number }>;
}

/**
 * Merges the reports of all bot processes. Histograms arrive as "since the last report" and
 * are summed into the current second, the whole run and, while it is open, the measured window.
 */
export class Aggregator {
  readonly #latest = new Map<number, ProcessReport>();
  #pending = histogramSet();
  readonly whole = histogramSet();
  readonly window = histogramSet();
  #windowOpen = false;
  #windowOpenedAt = 0;
  #windowStartCounters: Record<Counter, number> | undefined;
  #windowEndCounters: Record<Counter, number> | undefined;
  #lastRowCounters = zeroCounters();
  #lastRowAt = performance.now();
  readonly usage: WindowUsage = { seconds: 0, clientSeconds: 0, serverCoreSeconds: 0, botCoreSeconds: 0, otherCoreSeconds: 0, perPid: new Map() };
  readonly series: SeriesRow[] = [];
  peakConnected = 0;
  /** Connected clients by node in the last second of the measured window (the bots have left by the summary). */
  windowConnectedByNode: Record<string, number> = {};
  /**
   * Bounds of the measured window on the monotonic clock, in microseconds: the clock of
   * `process.hrtime` and of the timestamps in V8 CPU profiles, so a profile can be cut to the window.
   */
  windowMonotonicUs: [number, number] = [0, 0];

  accept(processIndex: number, report: ProcessReport): void {
    this.#latest.set(processIndex, report);
    for (const name of LATENCY_METRICS) {
      addEncoded(this.#pending[name], report.histograms[name]);
      addEncoded(this.whole[name], report.histograms[name]);
      if (this.#windowOpen) addEncoded(this.window[name], report.histograms[name]);
    }
  }

  get allRampsDone(): boolean {
    return this.#latest.size > 0 && [...this.#latest.values()].every((report) => report.rampDone);
  }

  get connected(): number {
    return this.#sum((report) => report.connected);
  }

  openWindow(): void {
    this.windowMonotonicUs[0] = monotonicUs();
    this.#windowOpen = true;
    this.#windowOpenedAt = performance.now();
    this.#windowStartCounters = this.totals();
  }

  closeWindow(): void {
    if (!this.#windowOpen) return;
    this.windowMonotonicUs[1] = monotonicUs();
    this.#windowOpen = false;
    this.#windowEndCounters = this.totals();
  }

  /** Counter totals over all processes, from their latest reports. */
  totals(): Record<Counter, number> {
    const totals = zeroCounters();
    for (const report of this.#latest.values()) {
      for (const name of COUNTERS) totals[name] += report.counters[name];
    }
    return totals;
  }

  /** Counter increase inside the measured window. */
  windowCounters(): Record<Counter, number> {
    const start = this.#windowStartCounters ?? zeroCounters();
    const end = this.#windowEndCounters ?? this.totals();
    return Object.fromEntries(COUNTERS.map((name) => [name, end[name] - start[name]])) as Record<Counter, number>;
  }

  errorKinds(): Record<string, number> {
    const kinds: Record<string, number> = {};
    for (const report of this.#latest.values()) {
      for (const [kind, count] of Object.entries(report.errorKinds)) kinds[kind] = (kinds[kind] ?? 0) + count;
    }
    return kinds;
  }

  windowPercentiles(metric: LatencyMetric): Percentiles {
    return percentiles(this.window[metric]);
  }

  /** Closes the current second: builds its row and adds its usage to the window. */
  row(elapsedSeconds: number, servers: ProcessSample[], bots: ProcessSample[], machineCores: number): SeriesRow {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.#lastRowAt) / 1000);
    // The first row of the window began before the window opened, so only its share inside the
    // window counts. Counting all of it would make the window's rates come out low.
    const windowSeconds = Math.max(0.001, (now - Math.max(this.#lastRowAt, this.#windowOpenedAt)) / 1000);
    this.#lastRowAt = now;
    const totals = this.totals();
    const rtt = percentiles(this.#pending.inputRtt);
    const globalChat = percentiles(this.#pending.globalChatDelay);
    const connected = this.connected;
    this.peakConnected = Math.max(this.peakConnected, connected);
    const row: SeriesRow = {
      t: Math.round(elapsedSeconds * 10) / 10,
      connected,
      joining: this.#sum((report) => report.joining),
      rooms: new Set([...this.#latest.values()].flatMap((report) => report.roomIds)).size,
      inWindow: this.#windowOpen,
      inputsPerSecond: Math.round((totals.inputsSent - this.#lastRowCounters.inputsSent) / seconds),
      framesPerSecond: Math.round((totals.framesReceived - this.#lastRowCounters.framesReceived) / seconds),
      rttP50: rtt.p50,
      rttP99: rtt.p99,
      globalChatP50: globalChat.p50,
      globalChatP99: globalChat.p99,
      joinFailures: totals.joinFailures,
      errors: totals.errors,
      serverCores: round3(servers.reduce((sum, sample) => sum + sample.cores, 0)),
      serverRssMiB: Math.round(servers.reduce((sum, sample) => sum + sample.rssMiB, 0)),
      botCores: round3(bots.reduce((sum, sample) => sum + sample.cores, 0)),
      botLoopDelayP99Ms: Math.max(0, ...[...this.#latest.values()].map((report) => report.loopDelayP99Ms)),
      machineCores: round3(machineCores),
      otherCores: 0,
    };
    row.otherCores = round3(Math.max(0, machineCores - row.serverCores - row.botCores));
    if (this.#windowOpen) {
      this.windowConnectedByNode = this.#connectedByNode();
      this.#addUsage(windowSeconds, connected, servers, row.botCores);
      this.usage.otherCoreSeconds += row.otherCores * windowSeconds;
    }
    this.#lastRowCounters = totals;
    this.#pending = histogramSet();
    this.series.push(row);
    return row;
  }

  #addUsage(seconds: number, connected: number, servers: ProcessSample[], botCores: number): void {
    this.usage.seconds += seconds;
    this.usage.clientSeconds += connected * seconds;
    this.usage.botCoreSeconds += botCores * seconds;
    for (const sample of servers) {
      this.usage.serverCoreSeconds += sample.cores * seconds;
      const entry = this.usage.perPid.get(sample.pid) ?? { coreSeconds: 0, rssPeak: 0, rssSum: 0, samples: 0 };
      entry.coreSeconds += sample.cores * seconds;
      entry.rssPeak = Math.max(entry.rssPeak, sample.rssMiB);
      entry.rssSum += sample.rssMiB;
      entry.samples += 1;
      this.usage.perPid.set(sample.pid, entry);
    }
  }

  #connectedByNode(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const report of this.#latest.values()) {
      for (const [node, count] of Object.entries(report.connectedByNode)) counts[node] = (counts[node] ?? 0) + count;
    }
    return counts;
  }

  #sum(pick: (report: ProcessReport) => number): number {
    let total = 0;
    for (const report of this.#latest.values()) total += pick(report);
    return total;
  }
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
