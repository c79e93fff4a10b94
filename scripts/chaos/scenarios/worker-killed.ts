import { auditProfiles } from "../ledger.ts";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, type ChaosStage } from "../stage.ts";
import { startWorker, stopAll } from "../cast.ts";
import { waitUntil } from "../wait.ts";
import { makePlayers, makeRounds, openDatabase, openProducer, slowDown, storedScores, totalRows, unfinishedJobs } from "./support.ts";

const ROUNDS = 300;
const LOCK_MS = 2000;

/**
 * Scenario 1: a job worker is killed with SIGKILL while it writes a batch of score jobs. Its
 * active jobs keep their locks until JOB_LOCK_MS passes, the next worker's stalled check moves
 * them back to wait, and they run again; the insert skips rows that exist, and the profile
 * counts each round once, so every score is stored exactly once.
 */
export async function workerKilledMidBatch(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "worker_kill");
  const overrides = { JOB_LOCK_MS: String(LOCK_MS), PROFILE_FLUSH_DELAY_MS: "100" };
  const first = await startWorker("worker-a", space, overrides);
  let second: Awaited<ReturnType<typeof startWorker>> | undefined;
  const db = openDatabase(space);
  const producer = openProducer(space);
  try {
    const players = await makePlayers(db, 40);
    await slowDown(db, "scores", 0.03);
    const rounds = makeRounds(players, ROUNDS, 4);
    const expected = totalRows(rounds);
    const roundIds = rounds.map((round) => round.roundId);
    for (const round of rounds) await producer.jobs.submitRound(round);

    // Kill once about a third is stored and jobs are running.
    const atKill = await waitUntil("a third of the scores stored with jobs active", async () => {
      const stored = await storedScores(db, roundIds);
      const counts = await producer.jobs.scoresQueue.getJobCounts("active");
      return stored.rows >= expected.rows / 3 && (counts.active ?? 0) > 0 ? { stored, active: counts.active ?? 0 } : undefined;
    }, 60_000, 20);
    first.child.kill("SIGKILL");
    const killedAt = Date.now();
    await first.exited;

    second = await startWorker("worker-b", space, overrides);
    await waitUntil("every score stored and the queues empty", async () => {
      const stored = await storedScores(db, roundIds);
      return stored.rows >= expected.rows && (await unfinishedJobs(producer.jobs)) === 0 ? true : undefined;
    }, 120_000, 100);
    const recoveryMs = Date.now() - killedAt;
    const stored = await storedScores(db, roundIds);
    const profiles = await waitUntil("profiles written behind", async () => {
      const audit = await auditProfiles(space.databaseUrl, space.redisUrl, space.prefix, players);
      return audit.behind === 0 ? audit : undefined;
    }, 30_000, 200).catch(() => auditProfiles(space.databaseUrl, space.redisUrl, space.prefix, players));
    const stalled = second.lines("job stalled; it runs again").length;
    const failed = await producer.jobs.scoresQueue.getJobCounts("failed");

    return {
      id: "1",
      scenario: "job worker killed mid-batch",
      action: `SIGKILL to the worker with ${atKill.active} score jobs active, ${atKill.stored.rows}/${expected.rows} rows stored; a second worker started (JOB_LOCK_MS=${LOCK_MS})`,
      counted: `${stored.rows}/${expected.rows} score rows and ${stored.points}/${expected.points} points of ${ROUNDS} rounds in PostgreSQL (primary key player, room, round: no row twice); ${stalled} stalled jobs run again; ${profiles.players - profiles.behind}/${profiles.players} profiles equal their score rows; ${failed.failed ?? 0} jobs failed`,
      loss: expected.rows - stored.rows + profiles.behind,
      bound: 0,
      unit: "rows/profiles",
      recoveryMs,
      checks: [
        { what: "points match", ok: stored.points === expected.points },
        { what: "no failed job", ok: (failed.failed ?? 0) === 0 },
      ],
    };
  } finally {
    await producer.close();
    await db.close();
    await stopAll([first, second]);
  }
}
