import path from "node:path";
import { markdownTable, passed, replaceSection, type ScenarioResult } from "./report.ts";
import { startPostgresCluster } from "./postgres-cluster.ts";
import { startRedisServer } from "./redis-server.ts";
import type { ChaosStage } from "./stage.ts";
import { SCENARIOS } from "./scenarios/index.ts";

/**
 * `npm run chaos`: starts its own redis-server (AOF on) and PostgreSQL cluster on free ports of
 * 127.0.0.1, runs every failure scenario against real game node and worker processes, prints
 * the table of what was lost and how fast it recovered, writes it into docs/reliability.md, and
 * exits non-zero when any loss exceeds its bound.
 *
 * CHAOS_ONLY=1,3 runs a subset; CHAOS_NO_DOCS=1 leaves the document alone.
 */
async function main(): Promise<number> {
  const only = process.env.CHAOS_ONLY?.split(",").map((id) => id.trim());
  const chosen = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));
  console.log(`chaos: starting redis-server and PostgreSQL for ${chosen.length} scenarios`);
  const redis = await startRedisServer();
  const postgres = await startPostgresCluster().catch(async (error: unknown) => {
    await redis.destroy();
    throw error;
  });
  const stage: ChaosStage = { redis, postgres };
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) {
      const startedAt = Date.now();
      console.log(`chaos: scenario ${scenario.id} (${scenario.name}) ...`);
      try {
        const result = await scenario.run(stage);
        results.push(result);
        console.log(`chaos: scenario ${scenario.id} ${passed(result) ? "passed" : "FAILED"} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${result.counted}`);
      } catch (error) {
        console.error(`chaos: scenario ${scenario.id} broke: ${(error as Error).stack ?? String(error)}`);
        results.push({ id: scenario.id, scenario: scenario.name, action: "scenario did not complete", counted: (error as Error).message, loss: 1, bound: 0, unit: "run", recoveryMs: undefined, checks: [] });
      }
    }
  } finally {
    await postgres.destroy();
    await redis.destroy();
  }

  const table = markdownTable(results);
  console.log(`\n${table}\n`);
  if (!process.env.CHAOS_NO_DOCS && !only) {
    const stamp = `Last run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, redis-server and PostgreSQL 15 started by the runner.`;
    replaceSection(path.resolve("docs/reliability.md"), "chaos", `${stamp}\n\n${table}`);
    console.log("chaos: table written to docs/reliability.md");
  }
  const failed = results.filter((result) => !passed(result));
  console.log(failed.length === 0 ? "chaos: every loss within its bound" : `chaos: ${failed.length} scenario(s) beyond their bound: ${failed.map((result) => result.id).join(", ")}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: could not run: ${(error as Error).stack ?? String(error)}`);
    process.exit(2);
  },
);
