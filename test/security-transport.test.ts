import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "@colyseus/sdk";
import { arenaView, nextMessage, sendInputs } from "./support/arena-view.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { MatchmakeRefused, RawClient, reserveSeat, webSocketBase } from "./support/raw-client.ts";
import { leaveAll } from "./support/rooms.ts";
import { waitFor } from "./support/wait.ts";
import { pack, roomDataFrame } from "./support/wire.ts";

const ALLOWED = "https://play.example.com";
const FOREIGN = "https://evil.example";
const MAX_MESSAGE_BYTES = 4096;

/** Close code each transport uses for a frame over the limit: uWebSockets.js drops the socket, ws sends 1009. */
const OVERSIZE_CLOSE = { uws: 1006, ws: 1009 } as const;

describe.each(["uws", "ws"] as const)("transport controls over %s", (transportName) => {
  let env: TestEnvironment;
  let node: GameNode;
  const rooms: Room[] = [];
  const raws: RawClient[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment({ TRANSPORT: transportName, ALLOWED_ORIGINS: ALLOWED, MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) });
    node = await startGameNode(env);
  });

  afterEach(async () => {
    for (const raw of raws.splice(0)) raw.close();
    await leaveAll(rooms);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  /** Seats a victim playing through the SDK and an attacker on a raw socket in one room. */
  async function victimAndAttacker(origin?: string): Promise<{ victim: Room; attacker: RawClient }> {
    const victimGuest = await node.createGuest("Victim");
    const attackerGuest = await node.createGuest("Attacker");
    const victim = await node.client().create("arena", { token: victimGuest.token });
    rooms.push(victim);
    const seat = await reserveSeat(node.baseUrl, "joinById", victim.roomId, { token: attackerGuest.token });
    const attacker = await RawClient.join(webSocketBase(node.baseUrl), seat, origin ? { origin } : {});
    raws.push(attacker);
    await waitFor("both players seated", () => (arenaView(victim).players?.size === 2 ? true : undefined));
    return { victim, attacker };
  }

  it("oversized frame closes only its sender", async () => {
    const { victim, attacker } = await victimAndAttacker();
    victim.onMessage("chat", () => undefined);

    // Just under the limit: dropped as invalid chat, but the connection stays.
    attacker.send(roomDataFrame("chat", pack({ text: "a".repeat(MAX_MESSAGE_BYTES - 64) })));
    const marker = nextMessage<{ text: string }>(victim, "chat");
    attacker.send(roomDataFrame("chat", pack({ text: "under the limit" })));
    expect((await marker).text).toBe("under the limit");
    expect(attacker.open).toBe(true);

    attacker.send(roomDataFrame("chat", pack({ text: "b".repeat(MAX_MESSAGE_BYTES + 100) })));
    expect(await attacker.closed).toBe(OVERSIZE_CLOSE[transportName]);

    const lastSeq = await sendInputs(victim, 1, 5, 1, 0);
    await waitFor("victim's inputs applied", () => (arenaView(victim).players.get(victim.sessionId)?.lastSeq === lastSeq ? true : undefined));
  });

  it("upgrade from a foreign origin", async () => {
    const guest = await node.createGuest("Framed");
    const host = await node.client().create("arena", { token: (await node.createGuest("Host")).token });
    rooms.push(host);
    const seat = await reserveSeat(node.baseUrl, "joinById", host.roomId, { token: guest.token });
    await expect(RawClient.join(webSocketBase(node.baseUrl), seat, { origin: FOREIGN })).rejects.toThrow(/HTTP 403/);
    // The same reservation still works from the allowed origin.
    raws.push(await RawClient.join(webSocketBase(node.baseUrl), seat, { origin: ALLOWED }));
  });

  it("upgrade from the allowed or no origin", async () => {
    const { attacker } = await victimAndAttacker(ALLOWED);
    expect(attacker.open).toBe(true);
    const guest = await node.createGuest("Program");
    const seat = await reserveSeat(node.baseUrl, "joinOrCreate", "arena", { token: guest.token });
    const program = await RawClient.join(webSocketBase(node.baseUrl), seat);
    raws.push(program);
    expect(program.open).toBe(true);
  });

  it("POST from a foreign origin", async () => {
    const guest = await fetch(`${node.baseUrl}/api/guest`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: FOREIGN },
      body: JSON.stringify({ name: "Csrf" }),
    });
    expect(guest.status).toBe(403);
    expect(await guest.json()).toMatchObject({ error: "ORIGIN_FORBIDDEN" });

    const token = (await node.createGuest("Csrf2")).token;
    const join = reserveSeat(node.baseUrl, "joinOrCreate", "arena", { token }, { origin: FOREIGN });
    await expect(join).rejects.toMatchObject({ status: 403, body: { error: "ORIGIN_FORBIDDEN" } });
    await expect(join).rejects.toBeInstanceOf(MatchmakeRefused);
  });

  it("CORS headers per origin", async () => {
    const allowed = await fetch(`${node.baseUrl}/api/leaderboard`, { headers: { origin: ALLOWED } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    const foreign = await fetch(`${node.baseUrl}/api/leaderboard`, { headers: { origin: FOREIGN } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    expect(foreign.headers.get("x-powered-by")).toBeNull();

    const preflight = await fetch(`${node.baseUrl}/matchmake/joinOrCreate/arena`, {
      method: "OPTIONS",
      headers: { origin: FOREIGN, "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const allowedPreflight = await fetch(`${node.baseUrl}/matchmake/joinOrCreate/arena`, {
      method: "OPTIONS",
      headers: { origin: ALLOWED, "access-control-request-method": "POST" },
    });
    expect(allowedPreflight.headers.get("access-control-allow-origin")).toBe(ALLOWED);
  });
});

describe("HOST on the uWebSockets.js transport", () => {
  let env: TestEnvironment;
  let node: GameNode;

  beforeAll(async () => {
    env = await createTestEnvironment({ TRANSPORT: "uws", HOST: "127.0.0.2" });
    node = await startGameNode(env);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("listens only on HOST", async () => {
    const onHost = await fetch(`http://127.0.0.2:${env.config.PORT}/healthz`);
    expect(onHost.status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${env.config.PORT}/healthz`)).rejects.toThrow();
  });
});
