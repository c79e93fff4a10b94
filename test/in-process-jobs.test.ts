import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Profile, RoundScoreChange } from "../src/cache/profile.ts";
import type { ChangeOutcome, FlushOutcome, PlayerRoundScore, ProfileStore } from "../src/cache/profile-store.ts";
import type { Database, Queryable } from "../src/db/database.ts";
import { InProcessJobs } from "../src/jobs/in-process-jobs.ts";
import { retryDelayMs } from "../src/jobs/in-process-queue.ts";
import type { RoundResult } from "../src/jobs/round-result.ts";
import { createLogger } from "../src/logger.ts";
import { waitFor } from "./support/wait.ts";

const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent", "in-process-jobs-test");

/** A database that records score inserts and fails the first `failures` of them. */
class FakeDatabase implements Database {
  insertAttempts: number[] = [];
  failures = 0;

  async query<R extends pg.QueryResultRow>(text: string): Promise<pg.QueryResult<R>> {
    if (text.includes("INSERT INTO scores")) {
      this.insertAttempts.push(Date.now());
      if (this.insertAttempts.length <= this.failures) throw new Error("database unavailable");
    }
    return { command: "INSERT", rowCount: 1, oid: 0, rows: [], fields: [] };
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return work(this);
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

/** A profile store that records flushes, can hold them open, and reports a dirty set the test sets. */
class FakeProfileStore implements ProfileStore {
  readonly flushes: string[] = [];
  readonly dirty = new Set<string>();
  running = 0;
  maxRunning = 0;
  /** While set, every flush waits for it. */
  gate: Promise<void> | undefined;

  async get(): Promise<Profile | undefined> {
    return undefined;
  }

  async recordRoundScore(playerId: string, change: RoundScoreChange): Promise<ChangeOutcome> {
    this.dirty.add(playerId);
    const profile = { id: playerId, name: "", totalScore: change.score, gamesPlayed: 1, bestRoundScore: change.score, updatedAt: 0, version: 1 };
    return { status: "applied", profile };
  }

  async recordRoundScores(changes: readonly PlayerRoundScore[]): Promise<ChangeOutcome[]> {
    return Promise.all(changes.map(({ playerId, change }) => this.recordRoundScore(playerId, change)));
  }

  async flush(playerId: string): Promise<FlushOutcome> {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.gate;
      this.flushes.push(playerId);
      this.dirty.delete(playerId);
      return { status: "flushed", version: 1, wrote: true };
    } finally {
      this.running -= 1;
    }
  }

  async findStaleDirty(_minAgeMs: number, limit: number): Promise<string[]> {
    return [...this.dirty].slice(0, limit);
  }

  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    return { count: this.dirty.size, oldestAgeMs: 0 };
  }

  async seed(): Promise<void> {}

  async touchRound(): Promise<void> {}

  readStats(): { hit: number; miss: number } {
    return { hit: 0, miss: 0 };
  }

  async forgetRound(): Promise<void> {}
}

function roundResult(playerIds: string[]): RoundResult {
  return {
    roomId: "room-1",
    roundId: randomUUID(),
    round: 1,
    finishedAt: Date.now(),
    results: playerIds.map((playerId) => ({ playerId, name: "p", score: 5 })),
  };
}

describe("in-process jobs", () => {
  const runtimes: InProcessJobs[] = [];

  function start(overrides: { attempts?: number; backoffMs?: number; flushDelayMs?: number; sweepIntervalMs?: number } = {}) {
    const db = new FakeDatabase();
    const profiles = new FakeProfileStore();
    const jobs = new InProcessJobs({
      policy: { attempts: overrides.attempts ?? 3, backoffMs: overrides.backoffMs ?? 100 },
      flushDelayMs: overrides.flushDelayMs ?? 100,
      sweepIntervalMs: overrides.sweepIntervalMs ?? 60_000,
      sweepAgeMs: 0,
      log,
    });
    runtimes.push(jobs);
    return { db, profiles, jobs, deps: { db, profiles, log } };
  }

  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((jobs) => jobs.close(1000)));
  });

  it("runs a round submitted twice once", async () => {
    const { db, jobs, deps } = start();
    await jobs.startWorkers(deps);
    const round = roundResult([randomUUID()]);
    await jobs.submitRound(round);
    await jobs.submitRound(round);
    await waitFor("the round job", () => (db.insertAttempts.length === 1 ? true : undefined));
    await jobs.submitRound(round);

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(db.insertAttempts).toHaveLength(1);
  });

  it("retries a failing round with exponential backoff", async () => {
    const { db, jobs, deps } = start({ attempts: 3, backoffMs: 100 });
    db.failures = 2;
    await jobs.startWorkers(deps);
    await jobs.submitRound(roundResult([randomUUID()]));

    await waitFor("the third attempt", () => (db.insertAttempts.length === 3 ? true : undefined));
    const [first, second, third] = db.insertAttempts as [number, number, number];
    // Backoff 100 ms then 200 ms, each shortened by at most the 20 % jitter.
    expect(second - first).toBeGreaterThanOrEqual(80 - 5);
    expect(third - second).toBeGreaterThanOrEqual(160 - 5);
    expect((await jobs.counts()).scores).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });

  it("keeps a job that failed every attempt", async () => {
    const { db, jobs, deps } = start({ attempts: 2, backoffMs: 10 });
    db.failures = 100;
    await jobs.startWorkers(deps);
    const round = roundResult([randomUUID()]);
    await jobs.submitRound(round);

    await waitFor("the job to fail for good", async () => ((await jobs.counts()).scores.failed === 1 ? true : undefined));
    expect(db.insertAttempts).toHaveLength(2);
    expect(jobs.failedJobs()).toMatchObject([{ queue: "scores", id: `round-${round.roundId}`, attemptsMade: 2, error: "database unavailable" }]);
  });

  it("fails invalid round data without retrying", async () => {
    const { db, jobs, deps } = start({ attempts: 5, backoffMs: 10 });
    await jobs.startWorkers(deps);
    await jobs.submitRound({ ...roundResult([]), round: -1 });

    await waitFor("the job to fail", async () => ((await jobs.counts()).scores.failed === 1 ? true : undefined));
    expect(jobs.failedJobs()[0]).toMatchObject({ attemptsMade: 1 });
    expect(db.insertAttempts).toHaveLength(0);
  });

  it("coalesces flush requests within the delay", async () => {
    const { profiles, jobs, deps } = start({ flushDelayMs: 150 });
    await jobs.startWorkers(deps);
    for (let index = 0; index < 50; index += 1) jobs.scheduleFlush("p1");
    expect((await jobs.counts()).profiles.delayed).toBe(1);

    await waitFor("the flush", () => (profiles.flushes.length === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(profiles.flushes).toEqual(["p1"]);
  });

  it("runs one flush per player at a time", async () => {
    const { profiles, jobs, deps } = start({ flushDelayMs: 10 });
    let open: () => void = () => undefined;
    profiles.gate = new Promise((resolve) => (open = resolve));
    await jobs.startWorkers(deps);
    jobs.scheduleFlush("p1");
    await waitFor("the first flush running", () => (profiles.running === 1 ? true : undefined));

    // Requests during the run collapse into one pending flush, which waits for the running one.
    for (let index = 0; index < 5; index += 1) jobs.scheduleFlush("p1");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(profiles.running).toBe(1);
    expect((await jobs.counts()).profiles).toMatchObject({ active: 1, waiting: 1 });

    profiles.gate = undefined;
    open();
    await waitFor("two flushes", () => (profiles.flushes.length === 2 ? true : undefined));
    expect(profiles.maxRunning).toBe(1);
  });

  it("sweeps a dirty profile whose flush was never scheduled", async () => {
    const { profiles, jobs, deps } = start({ sweepIntervalMs: 50 });
    profiles.dirty.add("orphan");
    await jobs.startWorkers(deps);

    await waitFor("the sweep's flush", () => (profiles.flushes.includes("orphan") ? true : undefined));
  });

  it("runs delayed jobs and flushes dirty profiles on close", async () => {
    const { db, profiles, jobs, deps } = start({ flushDelayMs: 60_000 });
    await jobs.startWorkers(deps);
    jobs.scheduleFlush("delayed");
    profiles.dirty.add("never-scheduled");
    await jobs.submitRound(roundResult(["scored"]));

    await jobs.close(2000);
    expect(db.insertAttempts).toHaveLength(1);
    expect(new Set(profiles.flushes)).toEqual(new Set(["delayed", "never-scheduled", "scored"]));
    await expect(jobs.submitRound(roundResult(["late"]))).rejects.toThrow(/closed/);
  });

  it("gives up waiting for a running job at the timeout", async () => {
    const { profiles, jobs, deps } = start({ flushDelayMs: 0 });
    profiles.gate = new Promise(() => undefined);
    await jobs.startWorkers(deps);
    jobs.scheduleFlush("stuck");
    await waitFor("the flush running", () => (profiles.running === 1 ? true : undefined));

    const started = Date.now();
    await jobs.close(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("holds jobs until the workers start", async () => {
    const { db, jobs, deps } = start();
    await jobs.submitRound(roundResult([randomUUID()]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await jobs.counts()).scores.waiting).toBe(1);

    await jobs.startWorkers(deps);
    await waitFor("the round job", () => (db.insertAttempts.length === 1 ? true : undefined));
  });
});

describe("retry delay", () => {
  it("doubles per attempt within the jitter", () => {
    for (const [attempt, base] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
    ] as const) {
      const delay = retryDelayMs({ attempts: 8, backoffMs: 1000 }, attempt);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(base);
    }
  });
});
