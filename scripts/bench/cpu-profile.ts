import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that the summary reads. */
interface CpuProfile {
  /** Monotonic time of the first sample, in microseconds. */
  startTime: number;
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  /** Share of the busy (non-idle) samples, in percent. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  /** Self time grouped by package (or `src/`, node internals, GC). */
  byPackage: ProfileEntry[];
  /** Self time of the busiest functions. */
  byFunction: ProfileEntry[];
}

/** Names the package a script URL belongs to: the npm package, this project's src/, or node itself. */
function packageOf(url: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match?.[1] !== undefined) return match[1];
  if (url.includes("/src/")) return "orbit-arena src/";
  if (url.startsWith("node:")) return "node internals";
  return url === "" ? "native / V8" : url;
}

function shortUrl(url: string): string {
  const index = url.lastIndexOf("node_modules/");
  if (index >= 0) return url.slice(index + "node_modules/".length);
  const src = url.lastIndexOf("/src/");
  return src >= 0 ? url.slice(src + 1) : url;
}

function top(totals: Map<string, number>, busy: number, count: number): ProfileEntry[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, percent: Math.round((ms / busy) * 1000) / 10 }));
}

/**
 * Sums self time per package and per function over every profile in `dir` (one per thread),
 * counting only samples inside `window` (monotonic microseconds), so start-up and shutdown
 * (module compilation, for one) do not count.
 */
export async function summarizeProfiles(dir: string, window: [number, number], count = 12): Promise<ProfileSummary> {
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const file of (await readdir(dir)).filter((name) => name.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(await readFile(join(dir, file), "utf8")) as CpuProfile;
    const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    let at = profile.startTime;
    profile.samples.forEach((nodeId, index) => {
      const deltaUs = profile.timeDeltas[index] ?? 0;
      at += deltaUs;
      const frame = frames.get(nodeId);
      const ms = deltaUs / 1000;
      if (!frame || frame.functionName === "(idle)" || at < window[0] || at > window[1]) return;
      busy += ms;
      const pkg = frame.functionName.startsWith("(") ? frame.functionName : packageOf(frame.url);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
      const name = frame.url === "" ? frame.functionName : `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    });
  }
  return { busyMs: Math.round(busy), byPackage: top(byPackage, busy, count), byFunction: top(byFunction, busy, count) };
}
