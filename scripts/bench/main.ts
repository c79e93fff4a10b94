/**
 * `npm run bench [-- --quick]`: starts its own servers on loopback ports 3610-3629, runs the
 * comparisons side by side and writes docs/benchmarks.md (quick runs write only to their
 * results directory). Stops every process it started, also when a scenario fails.
 * `npm run bench -- --render DIR/bench.json` only rewrites docs/benchmarks.md from a saved run.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { BenchContext, log } from "./context.ts";
import { describeMachine, type MachineInfo } from "./machine.ts";
import { renderBenchmarks } from "./markdown.ts";
import { borrowRedisDatabase } from "./redis-lease.ts";
import { describeRevision } from "./revision.ts";
import { arenaVersusBare } from "./scenario-bare.ts";
import { globalChatAcrossNodes } from "./scenario-chat.ts";
import { oneVersusTwoNodes } from "./scenario-nodes.ts";
import { serverProfile } from "./scenario-profile.ts";
import { profileReads } from "./scenario-reads.ts";
import { scoreJobs } from "./scenario-scores.ts";
import { transportCapacity } from "./scenario-transport.ts";
import type { Section } from "./section.ts";

const REDIS_BASE_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const POSTGRES_BASE_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";
const DATABASE_NAME = "orbit_bench";
const BASE_PORT = 3610;

/** Drops the benchmark database so every run starts from an empty schema; the first server recreates it. */
async function resetDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: `${POSTGRES_BASE_URL}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Rewrites docs/benchmarks.md from a saved bench.json, for changes to the explanatory text only. */
async function renderOnly(file: string): Promise<void> {
  const saved = JSON.parse(await readFile(file, "utf8")) as { machine: MachineInfo; revision: string; minutes: number; sections: Section[] };
  const markdown = renderBenchmarks({ command: "npm run bench", ...saved, resultsDir: dirname(file) });
  await writeFile("docs/benchmarks.md", markdown);
  log(`docs/benchmarks.md rewritten from ${file}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { quick: { type: "boolean" }, out: { type: "string" }, render: { type: "string" } },
    strict: true,
  });
  if (values.render !== undefined) return renderOnly(values.render);
  const quick = values.quick === true;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "");
  const outDir = values.out ?? `loadtest-results/bench-${stamp}${quick ? "-quick" : ""}`;
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  const machine = describeMachine();
  const revision = describeRevision();

  await resetDatabase();
  const redis = await borrowRedisDatabase(REDIS_BASE_URL, `bench-${process.pid}`);
  log(`bench ${quick ? "(quick) " : ""}on Redis ${redis.url}, PostgreSQL ${DATABASE_NAME}, results in ${outDir}`);
  const context = new BenchContext({ quick, outDir, redis, databaseUrl: `${POSTGRES_BASE_URL}/${DATABASE_NAME}` });
  const sections: Section[] = [];
  try {
    sections.push(await transportCapacity(context, BASE_PORT));
    sections.push(await arenaVersusBare(context, BASE_PORT + 4));
    sections.push(await serverProfile(context, BASE_PORT + 7));
    sections.push(await oneVersusTwoNodes(context, BASE_PORT + 8));
    // Ports 3622-3623: after the ones above (3610-3611, 3614-3616, 3617, 3618-3619).
    sections.push(await globalChatAcrossNodes(context, BASE_PORT + 12));
    sections.push(await scoreJobs(context));
    sections.push(await profileReads(context));
  } finally {
    await context.stopAll();
    await redis.release();
  }

  const minutes = (performance.now() - started) / 60_000;
  const markdown = renderBenchmarks({ command: `npm run bench${quick ? " -- --quick" : ""}`, revision, machine, minutes, sections, resultsDir: outDir });
  await writeFile(join(outDir, "benchmarks.md"), markdown);
  await writeFile(join(outDir, "bench.json"), `${JSON.stringify({ machine, revision, minutes, sections }, null, 2)}\n`);
  if (!quick) await writeFile("docs/benchmarks.md", markdown);
  log(`done in ${minutes.toFixed(1)} minutes: ${quick ? join(outDir, "benchmarks.md") : "docs/benchmarks.md"}`);
  for (const target of sections.flatMap((section) => section.targets)) {
    log(`  ${target.met ? "met   " : "MISSED"} ${target.name}: ${target.measured} (wanted ${target.target})`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
