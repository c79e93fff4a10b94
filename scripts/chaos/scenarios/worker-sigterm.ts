import { RedisProfileStore } from "../../../src/cache/redis-profile-store.ts";
import { createRedisKeys } from "../../../src/redis/keys.ts";
import { auditProfiles } from "../ledger.ts";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, type ChaosStage } from "../stage.ts";
import { startWorker, stopAll } from "../cast.ts";
import { waitUntil } from "../wait.ts";
import { makePlayers, makeRounds, openDatabase, openProducer, quiet, removeSlowDown, slowDown, storedScores, totalRows, unfinishedJobs } from "./support.ts";

const SHUTDOWN_TIMEOUT_MS = 1500;
const STATEMENT_SECONDS = 3;
/** A worker must exit within the shutdown timeout plus the forced close and connection ends. */
const EXIT_BOUND_MS = SHUTDOWN_TIMEOUT_MS + STATEMENT_SECONDS * 1000 + 2000;

/**
 * Scenario 6: SIGTERM to a worker while score jobs and profile flush jobs are active, each
 * statement slower than SHUTDOWN_TIMEOUT_MS. The worker must stop taking jobs, close forcibly
 * after the timeout and exit; the jobs it held run again on the next worker, exactly once.
 */
export async function workerSigterm(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "sigterm");
  const overrides = { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), JOB_LOCK_MS: "2000", PROFILE_FLUSH_DELAY_MS: "100" };
  const first = await startWorker("worker-a", space, overrides);
  let second: Awaited<ReturnType<typeof startWorker>> | undefined;
  const db = openDatabase(space);
  const producer = openProducer(space);
  try {
    const players = await makePlayers(db, 20);
    const store = new RedisProfileStore({ redis: producer.redis, keys: createRedisKeys(space.prefix), db, log: quiet, cacheTtlSeconds: 600, roundMarkerTtlSeconds: 86_400, onDirty: (id) => producer.jobs.scheduleFlush(id) });
    await slowDown(db, "scores", STATEMENT_SECONDS);
    await slowDown(db, "players", STATEMENT_SECONDS);
    const rounds = makeRounds(players, 20, 3);
    for (const round of rounds) await producer.jobs.submitRound(round);
    // Live changes make the profiles dirty and queue their flush jobs.
    for (const [index, playerId] of players.entries()) await store.recordRoundScore(playerId, { roundId: rounds[index]!.roundId, score: 1, final: false });

    const inFlight = await waitUntil("score and flush jobs active", async () => {
      const [scores, profiles] = await Promise.all([producer.jobs.scoresQueue.getJobCounts("active"), producer.jobs.profilesQueue.getJobCounts("active")]);
      return (scores.active ?? 0) > 0 && (profiles.active ?? 0) > 0 ? { scores: scores.active ?? 0, profiles: profiles.active ?? 0 } : undefined;
    }, 30_000, 50);
    const signalledAt = Date.now();
    const code = await first.stop("SIGTERM", 30_000);
    const exitMs = Date.now() - signalledAt;
    const forced = first.lines("worker did not finish its active jobs in time; closing forcibly").length;

    await removeSlowDown(db, "scores");
    await removeSlowDown(db, "players");
    second = await startWorker("worker-b", space, overrides);
    const expected = totalRows(rounds);
    const roundIds = rounds.map((round) => round.roundId);
    await waitUntil("every score stored and the queues empty", async () => {
      const stored = await storedScores(db, roundIds);
      return stored.rows >= expected.rows && (await unfinishedJobs(producer.jobs)) === 0 ? true : undefined;
    }, 60_000, 100).catch(() => undefined);
    const doneAt = Date.now();
    const stored = await storedScores(db, roundIds);
    const profiles = await waitUntil("profiles written behind", async () => {
      const audit = await auditProfiles(space.databaseUrl, space.redisUrl, space.prefix, players, { againstScores: false });
      return audit.behind === 0 ? audit : undefined;
    }, 30_000, 200).catch(() => auditProfiles(space.databaseUrl, space.redisUrl, space.prefix, players, { againstScores: false }));

    return {
      id: "6",
      scenario: "SIGTERM to a worker with jobs in flight",
      action: `SIGTERM with ${inFlight.scores} score and ${inFlight.profiles} profile flush jobs active, each statement ${STATEMENT_SECONDS} s, SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}; a second worker started after the exit`,
      counted: `worker exited with ${String(code)} after ${exitMs} ms (bound ${EXIT_BOUND_MS} ms), ${forced} worker(s) closed forcibly; ${stored.rows}/${expected.rows} score rows and ${stored.points}/${expected.points} points stored once; ${profiles.players - profiles.behind}/${profiles.players} profiles written behind`,
      loss: expected.rows - stored.rows + profiles.behind,
      bound: 0,
      unit: "rows/profiles",
      recoveryMs: doneAt - signalledAt,
      checks: [
        { what: "exit 0 within bound", ok: code === 0 && exitMs <= EXIT_BOUND_MS },
        { what: "points match", ok: stored.points === expected.points },
      ],
    };
  } finally {
    await producer.close();
    await db.close();
    await stopAll([first, second]);
  }
}
