import { randomUUID } from "node:crypto";
import { SCORES_CONCURRENCY } from "../../src/jobs/queues.ts";
import type { RoundResult } from "../../src/jobs/round-result.ts";
import type { Backends } from "../../src/server/backends.ts";
import { newHistogram, percentiles, recordMs, type Percentiles } from "../loadtest/histogram.ts";
import { ProcessSampler } from "../loadtest/proc-stats.ts";
import { forEachLimited, insertPlayers, openBenchBackends } from "./bench-backends.ts";
import { log, type BenchContext } from "./context.ts";
import { fixed, table, type Section } from "./section.ts";

const PLAYERS_PER_ROUND = 16;
/** Rooms whose rounds end at the same moment; their submissions overlap this much. */
const SUBMIT_CONCURRENCY = 32;
const POLL_MS = 100;

interface ScoreFigures {
  /** Round end to row with the queue otherwise idle: one round at a time. */
  idleLatency: Percentiles;
  rounds: number;
  scores: number;
  seconds: number;
  scoresPerSecond: number;
  latency: Percentiles;
  workerCores: number;
  complete: boolean;
}

function roundFor(index: number, players: string[], roomId: string): RoundResult {
  const offset = (index * PLAYERS_PER_ROUND) % players.length;
  return {
    roomId,
    roundId: randomUUID(),
    round: index + 1,
    finishedAt: Date.now(),
    results: players.slice(offset, offset + PLAYERS_PER_ROUND).map((playerId, place) => ({ playerId, name: "bench", score: 10 + place })),
  };
}

async function countRows(backends: Backends, roomId: string): Promise<number> {
  const result = await backends.db.query<{ count: string }>("SELECT count(*) AS count FROM scores WHERE room_id = $1", [roomId]);
  return Number(result.rows[0]?.count ?? 0);
}

/** Per round: first row's insert time minus the moment the round was handed to `submitRound`. */
async function rowLatencies(backends: Backends, roomId: string, submitted: Map<string, number>): Promise<Percentiles> {
  const result = await backends.db.query<{ round_id: string; at: string }>(
    "SELECT round_id, extract(epoch FROM min(created_at)) * 1000 AS at FROM scores WHERE room_id = $1 GROUP BY round_id",
    [roomId],
  );
  const histogram = newHistogram();
  for (const row of result.rows) {
    const sentAt = submitted.get(row.round_id);
    if (sentAt !== undefined) recordMs(histogram, Number(row.at) - sentAt);
  }
  return percentiles(histogram);
}

/** Submits rounds one at a time, each after the previous one's rows arrived, and times each. */
async function idleRoundLatency(backends: Backends, players: string[], rounds: number): Promise<Percentiles> {
  const roomId = `bench-idle-${randomUUID().slice(0, 8)}`;
  const submitted = new Map<string, number>();
  const deadline = Date.now() + 60_000;
  for (let index = 0; index < rounds && Date.now() < deadline; index += 1) {
    const result = roundFor(index, players, roomId);
    submitted.set(result.roundId, Date.now());
    await backends.jobs.submitRound(result);
    while ((await countRows(backends, roomId)) < (index + 1) * PLAYERS_PER_ROUND && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return rowLatencies(backends, roomId, submitted);
}

/**
 * Score persistence: finished rounds of 16 players go through `BullJobs.submitRound` into the
 * `scores` queue as fast as rooms can hand them over, and `npm run worker`'s process writes
 * them to PostgreSQL. Measured from the first submission until the last row is there.
 */
export async function scoreJobs(context: BenchContext): Promise<Section> {
  const rounds = context.quick ? 300 : 3000;
  await context.redis.flush();
  const backends = await openBenchBackends(context);
  const worker = await context.startWorker("score-worker");
  const roomId = `bench-scores-${randomUUID().slice(0, 8)}`;
  let figures: ScoreFigures;
  try {
    const players = await insertPlayers(backends, roomId, 100 * PLAYERS_PER_ROUND);
    // A read loads each player into the cache, where a played round would have left it.
    await forEachLimited(players, 64, async (playerId) => {
      await backends.profiles.get(playerId);
    });
    const results = Array.from({ length: rounds }, (_, index) => roundFor(index, players, roomId));
    const submitted = new Map<string, number>();
    const sampler = new ProcessSampler([worker.pid]);
    const started = performance.now();
    const startedEpoch = Date.now();
    await forEachLimited(results, SUBMIT_CONCURRENCY, async (result) => {
      submitted.set(result.roundId, Date.now());
      await backends.jobs.submitRound(result);
    });
    const expected = rounds * PLAYERS_PER_ROUND;
    const deadline = Date.now() + (context.quick ? 60_000 : 180_000);
    let rows = await countRows(backends, roomId);
    while (rows < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      rows = await countRows(backends, roomId);
    }
    const seconds = (performance.now() - started) / 1000;
    const workerCores = sampler.sample()[0]?.cores ?? 0;
    const idleLatency = await idleRoundLatency(backends, players, context.quick ? 10 : 30);
    figures = {
      idleLatency,
      rounds,
      scores: rows,
      seconds,
      scoresPerSecond: rows / seconds,
      latency: await rowLatencies(backends, roomId, submitted),
      workerCores,
      complete: rows === expected,
    };
    log(`scores: ${rows} rows in ${fixed(seconds)} s = ${Math.round(figures.scoresPerSecond)} scores/s (started ${new Date(startedEpoch).toISOString()})`);
  } finally {
    await context.stop(worker);
    await backends.close();
  }
  return describe(figures);
}

function describe(figures: ScoreFigures): Section {
  const markdown = [
    `${figures.rounds} rounds of ${PLAYERS_PER_ROUND} players handed to \`BullJobs.submitRound\` ${SUBMIT_CONCURRENCY} at a time (as many rooms ending together), one worker process (\`src/jobs/worker-main.ts\`, scores queue concurrency ${SCORES_CONCURRENCY}) writing them. Every player is in the profile cache, as after a played round, so each job also records its 16 final scores in Redis (one script call for the round) and schedules their write-behind (one BullMQ \`addBulk\` per event loop turn).`,
    "",
    table(
      ["rounds", "score rows", "seconds", "scores / s", "rounds / s", "worker cores", "round end → row p50", "p95", "p99", "p99.9"],
      [[figures.rounds, figures.scores, fixed(figures.seconds), Math.round(figures.scoresPerSecond), Math.round(figures.scoresPerSecond / PLAYERS_PER_ROUND), fixed(figures.workerCores), figures.latency.p50, figures.latency.p95, figures.latency.p99, figures.latency.p999]],
    ),
    "",
    `With the queue idle (${figures.idleLatency.count} rounds submitted one at a time), round end → row: p50 ${figures.idleLatency.p50} ms, p99 ${figures.idleLatency.p99} ms, max ${figures.idleLatency.max} ms.`,
    figures.complete ? "" : "\n**Not every row arrived before the time limit; the rate is over the rows that did.**",
  ].join("\n");
  return {
    title: "Score jobs into PostgreSQL",
    markdown,
    data: figures,
    targets: [
      {
        name: "scores per second into PostgreSQL",
        target: "≥ 10,000 /s",
        measured: `${Math.round(figures.scoresPerSecond)} /s`,
        met: figures.scoresPerSecond >= 10_000,
        note:
          figures.scoresPerSecond >= 10_000
            ? "met"
            : `${fixed(figures.scoresPerSecond / 10_000)}× of the target: each job is one insert statement, one Redis script call for its 16 profiles, one call that ends the round's checkpoint, and BullMQ's own calls to take and complete the job, with ${SCORES_CONCURRENCY} jobs at a time (worker at ${fixed(figures.workerCores)} cores); the worker, Redis, PostgreSQL and this benchmark's submitting process share the machine's cores`,
      },
    ],
  };
}
