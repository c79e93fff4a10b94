import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "@colyseus/sdk";
import { selectPlayer } from "../src/db/players.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { waitFor } from "./support/wait.ts";

interface PlayerView {
  playerId: string;
  x: number;
  y: number;
  score: number;
  lastSeq: number;
}

interface ArenaView {
  phase: string;
  round: number;
  players: Map<string, PlayerView>;
}

/** Resolves with the first `results` message the room sends. */
function nextResults(room: Room): Promise<{ round: number; standings: Array<{ playerId: string; score: number }> }> {
  return new Promise((resolve) => room.onMessage("results", resolve));
}

describe("game flow with two clients", () => {
  let env: TestEnvironment;
  let node: GameNode;

  beforeAll(async () => {
    env = await createTestEnvironment({ ROUND_SECONDS: "3", RESULTS_SECONDS: "1" });
    node = await startGameNode(env);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("moves players and stores round scores in PostgreSQL", async () => {
    const alice = await node.createGuest("Alice");
    const bob = await node.createGuest("Bob");
    const aliceRoom = await node.client().joinOrCreate("arena", { token: alice.token });
    const bobRoom = await node.client().joinOrCreate("arena", { token: bob.token });
    expect(bobRoom.roomId).toBe(aliceRoom.roomId);

    const state = () => aliceRoom.state as unknown as ArenaView;
    const own = () => state().players.get(aliceRoom.sessionId)!;
    await waitFor("both players in the state", () => (state().players?.size === 2 ? true : undefined));
    const start = { x: own().x, y: own().y };

    // Send inputs the way the browser does: one per 50 ms tick, sequence increasing by one.
    const input = aliceRoom.input();
    const direction = start.x < 1000 ? 1 : -1;
    for (let seq = 1; seq <= 10; seq += 1) {
      input.data.seq = seq;
      input.data.dx = direction;
      input.data.dy = 0;
      input.send();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitFor("input 10 acknowledged", () => (own().lastSeq === 10 ? true : undefined));
    expect(Math.sign(own().x - start.x)).toBe(direction);

    bobRoom.onMessage("results", () => undefined);
    const results = await nextResults(aliceRoom);
    expect(results.standings.map((entry) => entry.playerId).sort()).toEqual([alice.playerId, bob.playerId].sort());

    const rows = await waitFor("two score rows", async () => {
      const found = await node.backends.db.query<{ player_id: string; score: number }>(
        "SELECT player_id, score FROM scores WHERE room_id = $1",
        [aliceRoom.roomId],
      );
      return found.rowCount === 2 ? found.rows : undefined;
    });
    const aliceScore = rows.find((row) => row.player_id === alice.playerId)!.score;

    const profile = await waitFor("Alice's profile flushed with the round", async () => {
      const stored = await selectPlayer(node.backends.db, alice.playerId);
      return stored && stored.gamesPlayed === 1 ? stored : undefined;
    });
    expect(profile.totalScore).toBe(aliceScore);

    await aliceRoom.leave();
    await bobRoom.leave();
  });
});
