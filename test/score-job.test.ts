import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPlayer } from "../src/db/players.ts";
import { persistRound } from "../src/jobs/handlers.ts";
import type { RoundResult } from "../src/jobs/round-result.ts";
import type { Backends } from "../src/server/backends.ts";
import { BACKEND_MODES, openTestBackends } from "./support/backend-modes.ts";
import type { TestEnvironment } from "./support/environment.ts";

describe.each(BACKEND_MODES)("score job ($name)", (mode) => {
  let env: TestEnvironment;
  let backends: Backends;

  beforeAll(async () => {
    env = await mode.createEnvironment();
    backends = await openTestBackends(env);
  });

  afterAll(async () => {
    await backends?.close();
    await env?.cleanup();
  });

  async function roundFor(scores: number[]): Promise<RoundResult> {
    const results = [];
    for (const score of scores) {
      const playerId = randomUUID();
      await backends.profiles.seed(await insertPlayer(backends.db, playerId, `p${score}`));
      results.push({ playerId, name: `p${score}`, score });
    }
    return { roomId: "room-a", roundId: randomUUID(), round: 1, finishedAt: Date.now(), results };
  }

  it("leaves one row per player when run twice", async () => {
    const round = await roundFor([7, 3]);
    const deps = { db: backends.db, profiles: backends.profiles, log: env.log };

    const first = await persistRound(deps, round);
    const second = await persistRound(deps, round);

    const rows = await backends.db.query("SELECT 1 FROM scores WHERE round_id = $1", [round.roundId]);
    expect(rows.rowCount).toBe(2);
    expect(first.insertedRows).toBe(2);
    expect(second.insertedRows).toBe(0);
  });

  it("counts a round into the profile once when run twice", async () => {
    const round = await roundFor([9]);
    const deps = { db: backends.db, profiles: backends.profiles, log: env.log };
    await persistRound(deps, round);
    await persistRound(deps, round);

    const profile = await backends.profiles.get(round.results[0]!.playerId);
    expect(profile).toMatchObject({ totalScore: 9, gamesPlayed: 1, bestRoundScore: 9 });
  });

  it("does not count live points twice when the round ends", async () => {
    const round = await roundFor([12]);
    const playerId = round.results[0]!.playerId;
    await backends.profiles.recordRoundScore(playerId, { roundId: round.roundId, score: 4, final: false });
    await backends.profiles.recordRoundScore(playerId, { roundId: round.roundId, score: 10, final: false });
    await persistRound({ db: backends.db, profiles: backends.profiles, log: env.log }, round);

    expect((await backends.profiles.get(playerId))?.totalScore).toBe(12);
  });

  it("puts the round's players on the leaderboard", async () => {
    const round = await roundFor([1000]);
    await persistRound({ db: backends.db, profiles: backends.profiles, log: env.log }, round);

    const top = await backends.leaderboard.top(1);
    expect(top[0]).toMatchObject({ playerId: round.results[0]!.playerId, totalScore: 1000, rank: 1 });
  });
});
