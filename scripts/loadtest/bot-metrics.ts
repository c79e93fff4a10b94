import { monitorEventLoopDelay } from "node:perf_hooks";
import { encodeHistogram, newHistogram, recordMs, type Histogram } from "./histogram.ts";
import { COUNTERS, LATENCY_METRICS, type Counter, type LatencyMetric } from "./metric-names.ts";

/** Distinct error texts kept per process; the rest are only counted. */
const MAX_ERROR_KINDS = 20;
/**
 * Period of the event-loop delay monitor's timer. Node's `monitorEventLoopDelay` records the
 * whole time between two runs of that timer (an idle process reads about 10 ms on Node 20), so
 * the delay is what exceeds the period.
 */
const LOOP_DELAY_RESOLUTION_MS = 10;

/** Report a bot process sends to the parent about once per second. */
export interface ProcessReport {
  /** Epoch ms when the report was made. */
  at: number;
  connected: number;
  joining: number;
  /** True once every bot of the process has made its first join attempt. */
  rampDone: boolean;
  counters: Record<Counter, number>;
  /** Histograms of the values recorded since the previous report, encoded. */
  histograms: Record<LatencyMetric, string>;
  /** Error text to number of occurrences, since the start. */
  errorKinds: Record<string, number>;
  /** Ids of the rooms the connected bots are in, so the parent can count rooms. */
  roomIds: string[];
  /** Connected bots by the node (`host:port`) that runs their room. */
  connectedByNode: Record<string, number>;
  /** Event-loop delay of this bot process since the last report, beyond the monitor's period: p99 and max, in ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

function zeroCounters(): Record<Counter, number> {
  return Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Record<Counter, number>;
}

function freshHistograms(): Record<LatencyMetric, Histogram> {
  return Object.fromEntries(LATENCY_METRICS.map((name) => [name, newHistogram()])) as Record<LatencyMetric, Histogram>;
}

/**
 * Counters and latency histograms of one bot process. Histograms hold only what was recorded
 * since the last `report()`, so the parent can build per-second series and windowed percentiles.
 */
export class BotMetrics {
  readonly counters = zeroCounters();
  readonly #histograms = freshHistograms();
  readonly #errorKinds = new Map<string, number>();
  /** A busy bot process delays its own sends and receives, so its loop delay is reported beside the latencies. */
  readonly #loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });

  constructor() {
    this.#loopDelay.enable();
  }

  record(metric: LatencyMetric, ms: number): void {
    recordMs(this.#histograms[metric], ms);
  }

  count(counter: Counter, by = 1): void {
    this.counters[counter] += by;
  }

  /** Counts an error and remembers its text, with ids and numbers stripped so kinds group. */
  error(kind: string, error: unknown): void {
    this.counters.errors += 1;
    const text = `${kind}: ${error instanceof Error ? error.message : String(error)}`.replace(/[0-9a-f-]{8,}|\d+/gi, "#").slice(0, 160);
    const seen = this.#errorKinds.get(text);
    if (seen !== undefined) this.#errorKinds.set(text, seen + 1);
    else if (this.#errorKinds.size < MAX_ERROR_KINDS) this.#errorKinds.set(text, 1);
  }

  report(connected: number, joining: number, rampDone: boolean, roomIds: string[], connectedByNode: Record<string, number>): ProcessReport {
    const lateness = (ns: number) => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS);
    const delays = { p99: lateness(this.#loopDelay.percentile(99)), max: lateness(this.#loopDelay.max) };
    this.#loopDelay.reset();
    const histograms = {} as Record<LatencyMetric, string>;
    for (const name of LATENCY_METRICS) {
      const histogram = this.#histograms[name];
      histograms[name] = histogram.totalCount === 0 ? "" : encodeHistogram(histogram);
      histogram.reset();
    }
    return {
      at: Date.now(),
      connected,
      joining,
      rampDone,
      counters: { ...this.counters },
      histograms,
      errorKinds: Object.fromEntries(this.#errorKinds),
      roomIds,
      connectedByNode,
      loopDelayP99Ms: Math.round(delays.p99 * 10) / 10,
      loopDelayMaxMs: Math.round(delays.max * 10) / 10,
    };
  }
}
