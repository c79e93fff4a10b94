/**
 * `npm run loadtest -- [options]`: simulated players against a running Orbit Arena node.
 * See `--help` and docs/benchmarks.md.
 */
import { join } from "node:path";
import { parseOptions, USAGE } from "./options.ts";
import { runLoadTest } from "./run.ts";
import { formatSummary } from "./summary.ts";

async function main(): Promise<void> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.log(
    `Load test: ${options.clients} clients in ${options.processes} bot processes against ${options.endpoint}, ramp ${options.rampPerSecond}/s, ${options.durationSeconds}s measured`,
  );
  const summary = await runLoadTest(options);
  console.log(formatSummary(summary));
  console.log(`Results: ${join(options.outDir, "summary.json")} and ${join(options.outDir, "report.html")}`);
  // A run in which no client ever connected measured nothing: scripts and CI must see it fail.
  if (summary.clients.peakConnected === 0) {
    console.error(`load test failed: no client connected to ${options.endpoint}; is the server running there?`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(`load test failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
