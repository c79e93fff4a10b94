import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.ts";
import { insertPlayer } from "../src/db/players.ts";
import type { BullJobs } from "../src/jobs/bullmq-jobs.ts";
import { isStoreUnavailable } from "../src/jobs/unavailable-error.ts";
import type { Backends } from "../src/server/backends.ts";
import { openTestBackends } from "./support/backend-modes.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { waitFor } from "./support/wait.ts";

/** Wraps `db` so that its next `failures.left` score inserts fail as if PostgreSQL were down. */
function flakyDatabase(db: Database, failures: { left: number }): Database {
  return {
    ...db,
    query: (text, values) => {
      if (text.includes("INSERT INTO scores") && failures.left > 0) {
        failures.left -= 1;
        return Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
      }
      return db.query(text, values);
    },
  };
}

describe("job retries through outages and stuck workers", () => {
  let env: TestEnvironment;
  let backends: Backends;
  let jobs: BullJobs;
  const failures = { left: 0 };

  beforeAll(async () => {
    // One attempt only: a job that used an attempt for the outage would fail for good.
    env = await createTestEnvironment({ STORAGE_MODE: "external", JOB_ATTEMPTS: "1", JOB_BACKOFF_MS: "50", JOB_WATCHDOG_MS: "1000" });
    backends = await openTestBackends(env);
    jobs = backends.jobs as BullJobs;
    await jobs.startWorkers({ db: flakyDatabase(backends.db, failures), profiles: backends.profiles, log: env.log });
  });

  afterAll(async () => {
    await backends?.close();
    await env?.cleanup();
  });

  async function submitRound(): Promise<string> {
    const playerId = randomUUID();
    await insertPlayer(backends.db, playerId, "Retry");
    const roundId = randomUUID();
    await jobs.submitRound({ roomId: "retry-room", roundId, round: 1, finishedAt: Date.now(), results: [{ playerId, name: "Retry", score: 7 }] });
    return roundId;
  }

  async function storedRows(roundId: string): Promise<number | undefined> {
    const result = await backends.db.query("SELECT 1 FROM scores WHERE round_id = $1", [roundId]);
    return result.rowCount === 1 ? 1 : undefined;
  }

  it("error classification: outage or job error", () => {
    expect(isStoreUnavailable(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
    expect(isStoreUnavailable(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]))).toBe(true);
    expect(isStoreUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error("violates foreign key constraint"), { code: "23503" }))).toBe(false);
  });

  it("database outage: job parked, attempt kept", async () => {
    failures.left = 4;
    const roundId = await submitRound();
    await waitFor("the round stored after the outage", () => storedRows(roundId), 15_000);
    // Rows are stored before the job finishes its profile steps, so wait for the completion and
    // read the job afterwards: a copy fetched earlier still shows the attempts before it.
    const job = await waitFor("the job completed", async () => {
      const fresh = await jobs.scoresQueue.getJob(`round-${roundId}`);
      return (await fresh?.isCompleted()) ? fresh : undefined;
    }, 15_000);
    expect(failures.left).toBe(0);
    // The successful run is the one attempt BullMQ counts; the four parked runs counted none.
    expect(job.attemptsMade).toBe(1);
  });

  it("watchdog: dead worker recreated", async () => {
    const [scoresWorker] = jobs.workers;
    // A closed worker neither reports paused nor takes jobs: the failure mode the watchdog is for.
    await scoresWorker!.close(true);
    const roundId = await submitRound();
    await waitFor("the watchdog's new worker to store the round", () => storedRows(roundId), 15_000);
    expect(jobs.workers[0]).not.toBe(scoresWorker);
  });
});
