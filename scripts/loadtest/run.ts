import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Aggregator } from "./aggregator.ts";
import { BotProcesses } from "./bot-processes.ts";
import type { LoadTestOptions } from "./options.ts";
import { pidsListeningOn } from "./port-pids.ts";
import { MachineSampler, ProcessSampler } from "./proc-stats.ts";
import { ProgressPrinter } from "./progress.ts";
import { renderHtmlReport } from "./report-html.ts";
import { buildSummary, type LoadTestSummary } from "./summary.ts";

const ROW_INTERVAL_MS = 1000;
/** Extra time allowed for the ramp beyond its nominal length before measuring anyway. */
const RAMP_SLACK_SECONDS = 30;

function serverPidsFor(options: LoadTestOptions): number[] {
  if (options.serverPids) return options.serverPids;
  const port = Number(new URL(options.endpoint).port || 80);
  return pidsListeningOn(port);
}

/** Callbacks of a caller that measures something else over the same window, e.g. a baseline. */
export interface LoadTestHooks {
  /** Called right after the measured window opens. */
  onWindowOpen?(): void;
  /** Called right after the measured window closes, before the bots leave. */
  onWindowClose?(): void;
}

/**
 * Runs one load test: forks the bot processes, samples the server and the bots once per
 * second, measures a window of `durationSeconds` after the ramp and warm-up, then stops
 * everything it started and writes summary.json and report.html to `outDir`.
 */
export async function runLoadTest(options: LoadTestOptions, hooks: LoadTestHooks = {}): Promise<LoadTestSummary> {
  const serverPids = serverPidsFor(options);
  if (serverPids.length === 0) console.warn(`no process listens on ${options.endpoint}; server cost is not measured (pass --server-pids)`);

  const nominalRamp = options.clients / options.rampPerSecond;
  const rampDeadline = nominalRamp * 2 + RAMP_SLACK_SECONDS;
  const maxRunMs = (rampDeadline + options.warmupSeconds + options.durationSeconds + 60) * 1000;
  const aggregator = new Aggregator();
  const startedAt = new Date();
  const started = performance.now();
  const servers = new ProcessSampler(serverPids);
  const rssBaselineMiB = servers.sample().reduce((sum, sample) => sum + sample.rssMiB, 0);
  const bots = new BotProcesses(options, maxRunMs, (index, report) => aggregator.accept(index, report));
  const botSampler = new ProcessSampler(bots.pids);
  const printer = new ProgressPrinter(options.clients);
  const machine = new MachineSampler();

  let rampSeconds: number | undefined;
  let windowStart: number | undefined;
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, ROW_INTERVAL_MS));
      const elapsed = (performance.now() - started) / 1000;
      if (rampSeconds === undefined && (aggregator.allRampsDone || elapsed > rampDeadline)) rampSeconds = elapsed;
      if (windowStart === undefined && rampSeconds !== undefined && elapsed >= rampSeconds + options.warmupSeconds) {
        aggregator.openWindow();
        windowStart = elapsed;
        hooks.onWindowOpen?.();
      }
      const row = aggregator.row(elapsed, servers.sample(), botSampler.sample(), machine.sample());
      if (options.progress) printer.show(row);
      if (windowStart !== undefined && elapsed >= windowStart + options.durationSeconds) break;
    }
  } finally {
    aggregator.closeWindow();
    if (windowStart !== undefined) hooks.onWindowClose?.();
    printer.done();
    await bots.stop();
  }

  const summary = buildSummary(options, aggregator, { startedAt, rampSeconds: rampSeconds ?? 0, rssBaselineMiB }, serverPids);
  await mkdir(options.outDir, { recursive: true });
  await writeFile(join(options.outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(options.outDir, "report.html"), renderHtmlReport(summary));
  return summary;
}
