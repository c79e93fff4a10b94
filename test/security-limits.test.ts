import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchMaker } from "@colyseus/core";
import type { Room } from "@colyseus/sdk";
import { errorCodeOf } from "../src/rooms/error-codes.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { MatchmakeRefused, reserveSeat } from "./support/raw-client.ts";
import { leaveAll } from "./support/rooms.ts";

function postGuest(node: GameNode, headers: Record<string, string> = {}, path = "/api/guest"): Promise<Response> {
  return fetch(`${node.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ name: "Flood" }),
  });
}

/** Starts a node for one describe block and stops it after. */
function nodeWith(overrides: Record<string, string>): { get: () => GameNode } {
  let env: TestEnvironment;
  let node: GameNode;
  beforeAll(async () => {
    env = await createTestEnvironment(overrides);
    node = await startGameNode(env);
  });
  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });
  return { get: () => node };
}

describe("per-address rate limits", () => {
  const current = nodeWith({ GUEST_RATE_PER_MINUTE: "3", JOIN_RATE_PER_MINUTE: "4", RATE_LIMIT_LOOPBACK: "true" });

  it("guest creation over the limit", async () => {
    const node = current.get();
    for (let index = 0; index < 3; index += 1) expect((await postGuest(node)).status).toBe(201);

    const refused = await postGuest(node);
    expect(refused.status).toBe(429);
    // 3 per minute: the next guest is due in 20 s.
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(19);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(20);
    const body = (await refused.json()) as { error: string; message: string };
    expect(body.error).toBe("RATE_LIMITED");
    expect(body.message).toMatch(/^RATE_LIMITED: too many guest creations/);

    // Spellings express routes the same way do not escape the limit, nor does a forged X-Forwarded-For.
    expect((await postGuest(node, {}, "/API/Guest/")).status).toBe(429);
    expect((await postGuest(node, { "x-forwarded-for": "198.51.100.20" })).status).toBe(429);
    // Reads are not limited.
    expect((await fetch(`${node.baseUrl}/api/leaderboard`)).status).toBe(200);
  });

  it("join request over the limit", async () => {
    const node = current.get();
    const token = await node.tokens.sign({ playerId: "rate-limited-joiner", name: "Joiner" });
    for (let index = 0; index < 4; index += 1) {
      const seat = await reserveSeat(node.baseUrl, "joinOrCreate", "arena", { token });
      expect(seat.sessionId).toBeTruthy();
    }
    const refused = await reserveSeat(node.baseUrl, "joinOrCreate", "arena", { token }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MatchmakeRefused);
    expect((refused as MatchmakeRefused).status).toBe(429);
    expect((refused as MatchmakeRefused).headers.get("retry-after")).toBe("15");
    expect((refused as MatchmakeRefused).body).toMatchObject({ error: "RATE_LIMITED" });

    // The SDK reports the code at the start of its error message, like other join rejections.
    const sdkError = await node.client().joinOrCreate("arena", { token }).then(
      () => undefined,
      (error: unknown) => error as Error & { code: number },
    );
    expect(sdkError?.code).toBe(429);
    expect(errorCodeOf(sdkError?.message ?? "")).toBe("RATE_LIMITED");
  });
});

describe("rate limits for local clients", () => {
  const current = nodeWith({ GUEST_RATE_PER_MINUTE: "1" });

  it("exempts loopback clients by default", async () => {
    const node = current.get();
    for (let index = 0; index < 3; index += 1) expect((await postGuest(node)).status).toBe(201);
  });
});

describe("rate limits behind a trusted proxy", () => {
  const current = nodeWith({ GUEST_RATE_PER_MINUTE: "2", TRUST_PROXY: "true", RATE_LIMIT_LOOPBACK: "true" });

  it("limit per proxy-appended address", async () => {
    const node = current.get();
    const first = { "x-forwarded-for": "198.51.100.7" };
    expect((await postGuest(node, first)).status).toBe(201);
    expect((await postGuest(node, first)).status).toBe(201);
    expect((await postGuest(node, first)).status).toBe(429);
    // A client-written entry in front of the proxy's does not give a new budget.
    expect((await postGuest(node, { "x-forwarded-for": "203.0.113.9, 198.51.100.7" })).status).toBe(429);
    // Another client behind the same proxy has its own budget.
    expect((await postGuest(node, { "x-forwarded-for": "198.51.100.8" })).status).toBe(201);
  });
});

describe("room capacity", () => {
  const current = nodeWith({ GUEST_RATE_PER_MINUTE: "0", JOIN_RATE_PER_MINUTE: "0", ARENA_MAX_PLAYERS: "16" });
  const rooms: Room[] = [];

  afterAll(async () => {
    await leaveAll(rooms);
  });

  it("16 of 20 concurrent joins seated", async () => {
    const node = current.get();
    const guests = await Promise.all(Array.from({ length: 20 }, (_, index) => node.createGuest(`Racer ${index}`)));
    const listing = await matchMaker.createRoom("arena", {});

    const outcomes = await Promise.allSettled(guests.map((guest) => node.client().joinById(listing.roomId, { token: guest.token })));
    for (const outcome of outcomes) if (outcome.status === "fulfilled") rooms.push(outcome.value);

    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(16);
    const room = matchMaker.getLocalRoomById(listing.roomId);
    expect(room.clients.length).toBe(16);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(String((outcome.reason as Error).message)).toMatch(/locked|full|seat/i);
    }
  });
});
