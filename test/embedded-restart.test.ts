import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { matchMaker } from "@colyseus/core";
import { insertPlayer, selectPlayer } from "../src/db/players.ts";
import type { RoundResult } from "../src/jobs/round-result.ts";
import type { ArenaRoom } from "../src/rooms/ArenaRoom.ts";
import { arenaView, nextMessage } from "./support/arena-view.ts";
import { BACKEND_MODES, openTestBackends } from "./support/backend-modes.ts";
import type { TestEnvironment } from "./support/environment.ts";
import { startGameNode } from "./support/game-node.ts";
import { waitFor } from "./support/wait.ts";

const embedded = BACKEND_MODES.find((mode) => mode.name === "embedded")!;

describe("embedded mode restart", () => {
  const environments: TestEnvironment[] = [];

  async function environment(overrides: Record<string, string>): Promise<TestEnvironment> {
    const env = await embedded.createEnvironment(overrides);
    environments.push(env);
    return env;
  }

  afterEach(async () => {
    await Promise.all(environments.splice(0).map((env) => env.cleanup()));
  });

  it("keeps a persisted round after reopening DATA_DIR", async () => {
    // A flush delay longer than the test: only the flush at close can write the profiles.
    const env = await environment({ PROFILE_FLUSH_DELAY_MS: "60000" });
    const first = await openTestBackends(env);
    await first.jobs.startWorkers({ db: first.db, profiles: first.profiles, log: env.log });
    const alice = randomUUID();
    const bob = randomUUID();
    await first.profiles.seed(await insertPlayer(first.db, alice, "Alice"));
    await first.profiles.seed(await insertPlayer(first.db, bob, "Bob"));
    const round: RoundResult = {
      roomId: "room-r",
      roundId: randomUUID(),
      round: 1,
      finishedAt: Date.now(),
      results: [
        { playerId: alice, name: "Alice", score: 30 },
        { playerId: bob, name: "Bob", score: 12 },
      ],
    };
    await first.jobs.submitRound(round);
    await waitFor("two score rows", async () => {
      const rows = await first.db.query("SELECT 1 FROM scores WHERE round_id = $1", [round.roundId]);
      return rows.rowCount === 2 ? true : undefined;
    });
    expect(await selectPlayer(first.db, alice)).toMatchObject({ gamesPlayed: 0 });
    await first.close();

    const second = await openTestBackends(env);
    try {
      const scores = await second.db.query<{ player_id: string; score: number }>(
        "SELECT player_id, score FROM scores WHERE round_id = $1 ORDER BY score DESC",
        [round.roundId],
      );
      expect(scores.rows).toEqual([
        { player_id: alice, score: 30 },
        { player_id: bob, score: 12 },
      ]);
      expect(await selectPlayer(second.db, alice)).toMatchObject({ totalScore: 30, gamesPlayed: 1, bestRoundScore: 30, version: 1 });
      expect(await second.leaderboard.top(2)).toEqual([
        { rank: 1, playerId: alice, name: "Alice", totalScore: 30 },
        { rank: 2, playerId: bob, name: "Bob", totalScore: 12 },
      ]);
    } finally {
      await second.close();
    }
  });

  it("keeps a played round after a server restart", async () => {
    const env = await environment({ ROUND_SECONDS: "3", RESULTS_SECONDS: "1", PROFILE_FLUSH_DELAY_MS: "60000" });
    const node = await startGameNode(env);
    const guest = await node.createGuest("Player");
    const room = await node.client().joinOrCreate("arena", { token: guest.token });
    room.onMessage("welcome", () => undefined);
    await waitFor("own player in state", () => (arenaView(room).players?.get(room.sessionId) ? true : undefined));

    // Put an orb next to the player so the round ends with points.
    const arena = matchMaker.getLocalRoomById(room.roomId) as ArenaRoom;
    const player = arena.state.players.get(room.sessionId)!;
    arena.placeOrb("restart-orb", { x: player.x, y: player.y, value: 5 });
    const results = await nextMessage<{ standings: Array<{ playerId: string; score: number }> }>(room, "results");
    const score = results.standings.find((entry) => entry.playerId === guest.playerId)!.score;
    expect(score).toBeGreaterThanOrEqual(5);
    await waitFor("the score row", async () => {
      const rows = await node.backends.db.query("SELECT 1 FROM scores WHERE player_id = $1", [guest.playerId]);
      return rows.rowCount === 1 ? true : undefined;
    });
    await room.leave();
    await node.stop();

    const reopened = await openTestBackends(env);
    try {
      expect(await selectPlayer(reopened.db, guest.playerId)).toMatchObject({ name: "Player", totalScore: score, gamesPlayed: 1 });
      const [first] = await reopened.leaderboard.top(1);
      expect(first).toEqual({ rank: 1, playerId: guest.playerId, name: "Player", totalScore: score });
    } finally {
      await reopened.close();
    }
  });
});
