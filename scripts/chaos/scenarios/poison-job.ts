import { randomUUID } from "node:crypto";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, type ChaosStage } from "../stage.ts";
import { startWorker, stopAll } from "../cast.ts";
import { waitUntil } from "../wait.ts";
import { makePlayers, makeRounds, openDatabase, openProducer, storedScores, totalRows } from "./support.ts";

/**
 * A poison job: a round naming a player that does not exist violates the scores table's foreign
 * key. It must fail after its attempts, stay in the failed set with the reason, and not hold up
 * the rounds queued around it.
 */
export async function poisonJob(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "poison");
  const worker = await startWorker("worker", space, { JOB_ATTEMPTS: "3", JOB_BACKOFF_MS: "100" });
  const db = openDatabase(space);
  const producer = openProducer(space);
  try {
    const players = await makePlayers(db, 10);
    const good = makeRounds(players, 40, 3);
    const poison = { ...makeRounds(players, 1, 2)[0]!, roundId: randomUUID() };
    poison.results[0]!.playerId = "no-such-player";
    for (const [index, round] of good.entries()) {
      if (index === 5) await producer.jobs.submitRound(poison);
      await producer.jobs.submitRound(round);
    }
    const startedAt = Date.now();
    const expected = totalRows(good);
    const failedJob = await waitUntil("the poison job in the failed set", async () => {
      const [job] = await producer.jobs.scoresQueue.getJobs(["failed"], 0, 0);
      return job;
    }, 30_000, 100);
    const stored = await waitUntil("the good rounds stored", async () => {
      const result = await storedScores(db, good.map((round) => round.roundId));
      return result.rows >= expected.rows ? result : undefined;
    }, 30_000, 100);
    const reason = failedJob.failedReason ?? "";
    return {
      id: "P",
      scenario: "poison job",
      action: "one round naming an unknown player (foreign key violation) queued among 40 good rounds, JOB_ATTEMPTS=3",
      counted: `poison job failed after ${failedJob.attemptsMade} attempts with "${reason.slice(0, 70)}"; ${stored.rows}/${expected.rows} rows of the good rounds stored`,
      loss: expected.rows - stored.rows,
      bound: 0,
      unit: "rows",
      recoveryMs: Date.now() - startedAt,
      checks: [
        { what: "failed after 3 attempts", ok: failedJob.attemptsMade === 3 },
        { what: "reason kept", ok: reason.includes("foreign key") },
      ],
    };
  } finally {
    await producer.close();
    await db.close();
    await stopAll([worker]);
  }
}
