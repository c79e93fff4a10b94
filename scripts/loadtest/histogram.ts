import hdr from "hdr-histogram-js";
import type { Histogram } from "hdr-histogram-js";

export type { Histogram };

/** Latencies are recorded in microseconds, so sub-millisecond differences on loopback stay visible. */
const MICROS_PER_MS = 1000;

/** Highest value a histogram tracks before it resizes itself: two minutes, in microseconds. */
const HIGHEST_TRACKABLE_US = 120_000_000;

/** Creates an empty latency histogram with three significant digits (0.1 % value precision). */
export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });
}

/** Records a duration given in milliseconds; negative values (clock steps) are clamped to zero. */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(0, Math.round(ms * MICROS_PER_MS)));
}

/** Compact text form for sending a histogram between processes. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Adds an encoded histogram into `target`; an empty string adds nothing. */
export function addEncoded(target: Histogram, encoded: string): void {
  if (encoded === "") return;
  target.add(hdr.decodeFromCompressedBase64(encoded, 32, false));
}

/** Percentiles of one latency distribution, in milliseconds. Never an average. */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Rounds to microsecond precision expressed in ms, which is what the histogram resolves. */
function toMs(us: number): number {
  return Math.round(us) / MICROS_PER_MS;
}

export function percentiles(histogram: Histogram): Percentiles {
  if (histogram.totalCount === 0) return { count: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: histogram.totalCount,
    p50: toMs(histogram.getValueAtPercentile(50)),
    p95: toMs(histogram.getValueAtPercentile(95)),
    p99: toMs(histogram.getValueAtPercentile(99)),
    p999: toMs(histogram.getValueAtPercentile(99.9)),
    max: toMs(histogram.maxValue),
  };
}
