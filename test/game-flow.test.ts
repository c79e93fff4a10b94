import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectPlayer } from "../src/db/players.ts";
import { arenaView, nextMessage, sendInputs } from "./support/arena-view.ts";
import { BACKEND_MODES } from "./support/backend-modes.ts";
import type { TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { waitFor } from "./support/wait.ts";

describe.each(BACKEND_MODES)("game flow with two clients ($name)", (mode) => {
  let env: TestEnvironment;
  let node: GameNode;

  beforeAll(async () => {
    env = await mode.createEnvironment({ ROUND_SECONDS: "3", RESULTS_SECONDS: "1" });
    node = await startGameNode(env);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("moves players and stores round scores in the database", async () => {
    const alice = await node.createGuest("Alice");
    const bob = await node.createGuest("Bob");
    const aliceRoom = await node.client().joinOrCreate("arena", { token: alice.token });
    const bobRoom = await node.client().joinOrCreate("arena", { token: bob.token });
    expect(bobRoom.roomId).toBe(aliceRoom.roomId);

    const state = () => arenaView(aliceRoom);
    const own = () => state().players.get(aliceRoom.sessionId)!;
    await waitFor("both players in the state", () => (state().players?.size === 2 ? true : undefined));
    const start = { x: own().x, y: own().y };

    const direction = start.x < 1000 ? 1 : -1;
    await sendInputs(aliceRoom, 1, 10, direction, 0);
    await waitFor("input 10 acknowledged", () => (own().lastSeq === 10 ? true : undefined));
    expect(Math.sign(own().x - start.x)).toBe(direction);

    bobRoom.onMessage("results", () => undefined);
    const results = await nextMessage<{ standings: Array<{ playerId: string }> }>(aliceRoom, "results");
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
