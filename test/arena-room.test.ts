import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { matchMaker } from "@colyseus/core";
import type { Room } from "@colyseus/sdk";
import { PLAYER_SPEED, TICK_RATE } from "../src/rooms/rules/constants.ts";
import { MAX_INPUT_CREDIT } from "../src/rooms/rules/input-credit.ts";
import type { ArenaRoom } from "../src/rooms/ArenaRoom.ts";
import type { ArenaState } from "../src/rooms/schema/ArenaState.ts";
import { arenaView, nextMessage, sendInputs } from "./support/arena-view.ts";
import { BACKEND_MODES } from "./support/backend-modes.ts";
import type { TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { leaveAll } from "./support/rooms.ts";
import { waitFor } from "./support/wait.ts";

describe.each(BACKEND_MODES)("arena room rules ($name)", (mode) => {
  let env: TestEnvironment;
  let node: GameNode;
  const rooms: Room[] = [];

  async function join(name: string): Promise<Room> {
    const guest = await node.createGuest(name);
    const room = await node.client().create("arena", { token: guest.token });
    rooms.push(room);
    await waitFor("own player in state", () => (arenaView(room).players?.get(room.sessionId) ? true : undefined));
    return room;
  }

  function serverState(room: Room): InstanceType<typeof ArenaState> {
    return matchMaker.getLocalRoomById(room.roomId).state as InstanceType<typeof ArenaState>;
  }

  beforeAll(async () => {
    env = await mode.createEnvironment({ ROUND_SECONDS: "4", RESULTS_SECONDS: "1" });
    node = await startGameNode(env);
  });

  afterEach(async () => {
    await leaveAll(rooms);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("moves no faster than the speed limit under an input flood", async () => {
    const room = await join("Flooder");
    const player = serverState(room).players.get(room.sessionId)!;
    player.x = 1000;
    player.y = 1000;

    // 60 inputs at once: the room applies at most one per step after a burst of
    // MAX_INPUT_CREDIT, so the distance covered stays within the speed limit over wall time.
    const started = performance.now();
    const lastSeq = await sendInputs(room, 1, 60, 1, 0, 0);
    await waitFor("the flood's last input applied", () => (player.lastSeq === lastSeq ? true : undefined), 10_000);
    const elapsedSteps = ((performance.now() - started) / 1000) * TICK_RATE;
    expect(player.x - 1000).toBeLessThanOrEqual((PLAYER_SPEED / TICK_RATE) * (elapsedSteps + MAX_INPUT_CREDIT) + 1e-3);
  });

  it("awards an orb's value to the player who touches it", async () => {
    const room = await join("Collector");
    const state = serverState(room);
    const player = state.players.get(room.sessionId)!;
    // The player may already have collected orbs at its random spawn point.
    const before = player.score;
    player.x = 500;
    player.y = 500;
    (matchMaker.getLocalRoomById(room.roomId) as ArenaRoom).placeOrb("test-orb", { x: 510, y: 500, value: 5 });

    await waitFor("orb collected", () => (state.orbs.has("test-orb") ? undefined : true));
    // At least the orb's value: a random orb refilled within reach may be collected as well.
    expect(player.score - before).toBeGreaterThanOrEqual(5);
  });

  it("ends the round and starts the next one", async () => {
    const room = await join("Waiter");
    const startRound = arenaView(room).round;
    const results = await nextMessage<{ round: number }>(room, "results");
    expect(results.round).toBe(startRound);
    await waitFor("next round", () => (arenaView(room).phase === "playing" && arenaView(room).round === startRound + 1 ? true : undefined));
  });

  it("reports the last applied input sequence", async () => {
    const room = await join("Reconciler");
    const lastSeq = await sendInputs(room, 1, 5, 0, 1);
    await waitFor("lastSeq in the client state", () => (arenaView(room).players.get(room.sessionId)!.lastSeq === lastSeq ? true : undefined));
  });

  it("ignores a replayed input sequence", async () => {
    const room = await join("Replayer");
    const player = serverState(room).players.get(room.sessionId)!;
    await sendInputs(room, 1, 3, 1, 0);
    await waitFor("inputs applied", () => (player.lastSeq === 3 ? true : undefined));
    const x = player.x;

    await sendInputs(room, 2, 1, 1, 0);
    await sendInputs(room, 4, 1, 0, 0);
    await waitFor("fresh input applied", () => (player.lastSeq === 4 ? true : undefined));
    expect(player.x).toBe(x);
  });

  it("broadcasts cleaned chat to the room", async () => {
    const alice = await join("Alice");
    const bob = await node.createGuest("Bob");
    const bobRoom = await node.client().joinById(alice.roomId, { token: bob.token });
    rooms.push(bobRoom);

    alice.onMessage("chat", () => undefined);
    const received = nextMessage<{ name: string; text: string; channel: string }>(bobRoom, "chat");
    alice.send("chat", { text: "  hello\u0007 arena  " });
    expect(await received).toMatchObject({ name: "Alice", text: "hello arena", channel: "room" });
  });
});

describe("arena room reconnection", () => {
  let env: TestEnvironment;
  let node: GameNode;

  beforeAll(async () => {
    env = await BACKEND_MODES[0]!.createEnvironment({ RECONNECT_SECONDS: "10" });
    node = await startGameNode(env);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("puts a dropped player back into the same seat", async () => {
    const guest = await node.createGuest("Dropper");
    const room = await node.client().create("arena", { token: guest.token });
    const joinedAt = Date.now();
    room.onMessage("*", () => undefined);
    await waitFor("own player in state", () => (arenaView(room).players?.get(room.sessionId) ? true : undefined));
    // The SDK reconnects on its own only once the room has been joined for 5 s.
    await waitFor("the SDK's minimum uptime for reconnection", () => (Date.now() - joinedAt > 5200 ? true : undefined), 8000, 100);
    const reconnected = new Promise<void>((resolve) => room.onReconnect(() => resolve()));

    const socket = (room.connection.transport as unknown as { ws: { terminate(): void } }).ws;
    socket.terminate();

    await reconnected;
    await waitFor("the seat connected again", () => (arenaView(room).players.get(room.sessionId)?.connected ? true : undefined));
    const lastSeq = await sendInputs(room, 1, 3, 1, 0);
    await waitFor("inputs applied after the reconnection", () => (arenaView(room).players.get(room.sessionId)?.lastSeq === lastSeq ? true : undefined));
    await room.leave();
  });
});
