import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "@colyseus/sdk";
import { CloseCodes } from "../src/rooms/error-codes.ts";
import { arenaView, nextMessage } from "./support/arena-view.ts";
import { BACKEND_MODES } from "./support/backend-modes.ts";
import type { TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { leaveAll } from "./support/rooms.ts";
import { waitFor } from "./support/wait.ts";

describe.each(BACKEND_MODES)("one session per player ($name)", (mode) => {
  let env: TestEnvironment;
  let node: GameNode;
  const rooms: Room[] = [];

  beforeAll(async () => {
    env = await mode.createEnvironment();
    node = await startGameNode(env);
  });

  afterEach(async () => {
    await leaveAll(rooms);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("closes the older session when the player joins again", async () => {
    const guest = await node.createGuest("Twin");
    const first = await node.client().create("arena", { token: guest.token });
    rooms.push(first);
    const firstClosed = new Promise<number>((resolve) => first.onLeave((code) => resolve(code)));

    const second = await node.client().create("arena", { token: guest.token });
    rooms.push(second);

    expect(await firstClosed).toBe(CloseCodes.SESSION_REPLACED);
    await waitFor("the new session seated", () => (arenaView(second).players?.get(second.sessionId) ? true : undefined));
  });

  it("rejects a late score write of the replaced session", async () => {
    const guest = await node.createGuest("Fenced");
    const first = await node.client().create("arena", { token: guest.token });
    rooms.push(first);
    const firstClosed = new Promise<number>((resolve) => first.onLeave((code) => resolve(code)));
    const second = await node.client().create("arena", { token: guest.token });
    rooms.push(second);
    await firstClosed;

    const outcome = await node.backends.profiles.recordRoundScore(guest.playerId, { roundId: randomUUID(), score: 50, final: false, epoch: 1 });
    expect(outcome.status).toBe("fenced");
  });

  it("keeps a released session's results acceptable", async () => {
    const guest = await node.createGuest("Leaver");
    const room = await node.client().create("arena", { token: guest.token });
    await room.leave();
    await waitFor("ownership released", async () => ((await node.backends.sessions.accepts([{ playerId: guest.playerId, epoch: 1 }]))[0] ? true : undefined));
  });

  it("delivers a global chat message to every arena", async () => {
    const alice = await node.createGuest("Alice");
    const bob = await node.createGuest("Bob");
    const aliceRoom = await node.client().create("arena", { token: alice.token });
    const bobRoom = await node.client().create("arena", { token: bob.token });
    rooms.push(aliceRoom, bobRoom);
    expect(bobRoom.roomId).not.toBe(aliceRoom.roomId);

    const atBob = nextMessage<{ text: string; channel: string; name: string }>(bobRoom, "chat");
    const atAlice = nextMessage<{ text: string }>(aliceRoom, "chat");
    aliceRoom.send("chat", { text: "hello everyone", channel: "global" });

    expect(await atBob).toEqual({ playerId: alice.playerId, name: "Alice", text: "hello everyone", channel: "global" });
    expect((await atAlice).text).toBe("hello everyone");
  });
});
