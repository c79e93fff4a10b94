import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { matchMaker } from "@colyseus/core";
import type { Room } from "@colyseus/sdk";
import { CloseCodes } from "../src/rooms/error-codes.ts";
import { ArenaState } from "../src/rooms/schema/ArenaState.ts";
import { arenaView, nextMessage, sendInputs } from "./support/arena-view.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { leaveAll } from "./support/rooms.ts";
import { waitFor } from "./support/wait.ts";

describe("hostile clients", () => {
  let env: TestEnvironment;
  let node: GameNode;
  const rooms: Room[] = [];

  async function joinPair(): Promise<[Room, Room]> {
    const attacker = await node.createGuest("Attacker");
    const victim = await node.createGuest("Victim");
    const attackerRoom = await node.client().create("arena", { token: attacker.token });
    const victimRoom = await node.client().joinById(attackerRoom.roomId, { token: victim.token });
    rooms.push(attackerRoom, victimRoom);
    attackerRoom.onMessage("chat", () => undefined);
    await waitFor("both players seated", () => (arenaView(victimRoom).players?.size === 2 ? true : undefined));
    return [attackerRoom, victimRoom];
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    node = await startGameNode(env);
  });

  afterEach(async () => {
    await leaveAll(rooms);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("drops malformed chat payloads without disconnecting", async () => {
    const [attacker, victim] = await joinPair();
    const received: string[] = [];
    victim.onMessage("chat", (message: { text: string }) => received.push(message.text));

    for (const payload of [123, null, { text: 5 }, { text: "x", extra: true }, { text: "a".repeat(2500) }, {}]) {
      attacker.send("chat", payload);
    }
    attacker.send("no-such-type", { text: "hi" });
    const marker = nextMessage<{ text: string }>(victim, "chat");
    attacker.send("chat", { text: "still here" });

    expect((await marker).text).toBe("still here");
    expect(received).toEqual(["still here"]);
  });

  it("delivers a resent chat message id once", async () => {
    const [attacker, victim] = await joinPair();
    const received: string[] = [];
    victim.onMessage("chat", (message: { text: string }) => received.push(message.text));

    attacker.send("chat", { text: "once", id: "m-1" });
    attacker.send("chat", { text: "once", id: "m-1" });
    const marker = nextMessage<{ text: string }>(victim, "chat");
    attacker.send("chat", { text: "after", id: "m-2" });
    await marker;
    await waitFor("second message", () => (received.length === 2 ? true : undefined));

    expect(received).toEqual(["once", "after"]);
  });

  it("treats NaN and infinite inputs as no movement", async () => {
    const [attacker] = await joinPair();
    const player = (matchMaker.getLocalRoomById(attacker.roomId).state as InstanceType<typeof ArenaState>).players.get(attacker.sessionId)!;
    const start = { x: player.x, y: player.y };

    await sendInputs(attacker, 1, 3, Number.NaN, Number.POSITIVE_INFINITY);
    await waitFor("inputs applied", () => (player.lastSeq === 3 ? true : undefined));
    expect({ x: player.x, y: player.y }).toEqual(start);
  });

  it("kicks a flooding client while its neighbour keeps playing", async () => {
    const [attacker, victim] = await joinPair();
    const closed = new Promise<number>((resolve) => attacker.onLeave((code) => resolve(code)));

    for (let index = 0; index < 400; index += 1) attacker.send("chat", { text: `spam ${index}` });

    expect(await closed).toBe(CloseCodes.FLOODING);
    const lastSeq = await sendInputs(victim, 1, 5, 1, 0);
    await waitFor("victim's inputs applied", () => (arenaView(victim).players.get(victim.sessionId)?.lastSeq === lastSeq ? true : undefined));
  });
});
