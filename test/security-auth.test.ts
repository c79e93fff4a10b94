import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SignJWT, UnsecuredJWT } from "jose";
import type { Room } from "@colyseus/sdk";
import { TokenService } from "../src/auth/tokens.ts";
import { errorCodeOf } from "../src/rooms/error-codes.ts";
import { nextMessage } from "./support/arena-view.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";
import { leaveAll } from "./support/rooms.ts";

const GRACE_SECONDS = 600;
const ADMIN_PASSWORD = "correct-horse-battery-staple-42";

/** Signs a token with the node's secret and an expiry `expiresAgoSeconds` in the past. */
function expiredToken(env: TestEnvironment, playerId: string, expiresAgoSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: "Returning" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(playerId)
    .setIssuer("orbit-arena")
    .setIssuedAt(now - expiresAgoSeconds - 3600)
    .setExpirationTime(now - expiresAgoSeconds)
    .sign(new TextEncoder().encode(env.config.JWT_SECRET));
}

async function refresh(node: GameNode, authorization: string | undefined): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const response = await fetch(`${node.baseUrl}/api/token/refresh`, {
    method: "POST",
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get("www-authenticate") };
}

function announce(node: GameNode, body: unknown, credentials?: string): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (credentials !== undefined) headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  return fetch(`${node.baseUrl}/api/admin/announce`, { method: "POST", headers, body: JSON.stringify(body) });
}

describe("token refresh and admin API", () => {
  let env: TestEnvironment;
  let node: GameNode;
  const rooms: Room[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment({ TOKEN_REFRESH_GRACE_SECONDS: String(GRACE_SECONDS), ADMIN_PASSWORD });
    node = await startGameNode(env);
  });

  afterEach(async () => {
    await leaveAll(rooms);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("refresh of a valid token", async () => {
    const guest = await node.createGuest("Refresher");
    const { status, body } = await refresh(node, `Bearer ${guest.token}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ playerId: guest.playerId, name: "Refresher" });
    expect(typeof body.token).toBe("string");
    expect(await node.tokens.verify(body.token)).toEqual({ playerId: guest.playerId, name: "Refresher" });

    const room = await node.client().joinOrCreate("arena", { token: body.token });
    rooms.push(room);
    expect(room.sessionId).toBeTruthy();
  });

  it("refresh within and past the grace period", async () => {
    const recent = await refresh(node, `Bearer ${await expiredToken(env, "p-recent", 60)}`);
    expect(recent.status).toBe(200);
    expect(recent.body.playerId).toBe("p-recent");

    const stale = await refresh(node, `bearer ${await expiredToken(env, "p-stale", GRACE_SECONDS + 60)}`);
    expect(stale.status).toBe(401);
    expect(stale.body.error).toBe("TOKEN_EXPIRED");
    expect(stale.challenge).toMatch(/^Bearer .*invalid_token/);
  });

  it("refresh of missing and forged tokens", async () => {
    expect((await refresh(node, undefined)).body.error).toBe("TOKEN_MISSING");
    expect((await refresh(node, "Basic YWRtaW46eA==")).body.error).toBe("TOKEN_MISSING");

    const otherSecret = await new TokenService("another-secret-that-is-long-enough-000", 60).sign({ playerId: "p1", name: "Mallory" });
    const forged = await refresh(node, `Bearer ${otherSecret}`);
    expect(forged).toMatchObject({ status: 401, body: { error: "TOKEN_INVALID" } });

    const unsigned = new UnsecuredJWT({ name: "Mallory" }).setSubject("p1").setIssuer("orbit-arena").setExpirationTime("1h").encode();
    expect((await refresh(node, `Bearer ${unsigned}`)).body.error).toBe("TOKEN_INVALID");
  });

  it("join with tampered, unsigned or foreign tokens", async () => {
    const guest = await node.createGuest("Victim");
    const [header, , signature] = guest.token.split(".");
    const otherPayload = Buffer.from(JSON.stringify({ name: "Mallory", sub: "someone-else", iss: "orbit-arena", exp: 9_999_999_999 })).toString("base64url");
    const tampered = `${header}.${otherPayload}.${signature}`;
    const unsigned = new UnsecuredJWT({ name: "Mallory" }).setSubject(guest.playerId).setIssuer("orbit-arena").setExpirationTime("1h").encode();
    const wrongIssuer = await new SignJWT({ name: "Mallory" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(guest.playerId)
      .setIssuer("someone-else")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(env.config.JWT_SECRET));

    for (const token of [tampered, unsigned, wrongIssuer, "x".repeat(5000)]) {
      const error = await node.client().joinOrCreate("arena", { token }).then(
        () => undefined,
        (rejection: unknown) => rejection as Error & { code: number },
      );
      expect(error?.code).toBe(401);
      expect(errorCodeOf(error?.message ?? "")).toBe("TOKEN_INVALID");
    }
  });

  it("admin route without valid credentials", async () => {
    const anonymous = await announce(node, { text: "hello" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic realm="Orbit Arena admin"/);
    expect((await announce(node, { text: "hello" }, "admin:wrong-password")).status).toBe(401);
    expect((await announce(node, { text: "hello" }, `root:${ADMIN_PASSWORD}`)).status).toBe(401);
    expect((await announce(node, { text: "hello" }, `admin:${ADMIN_PASSWORD}x`)).status).toBe(401);
  });

  it("announcement reaches every player, text validated", async () => {
    const first = await node.client().joinOrCreate("arena", { token: (await node.createGuest("One")).token });
    const second = await node.client().joinById(first.roomId, { token: (await node.createGuest("Two")).token });
    rooms.push(first, second);
    const arrivals = [first, second].map((room) => nextMessage<{ text: string; sentAt: number }>(room, "announcement"));

    const response = await announce(node, { text: "  Server\u0007 restart\u202e in 5 minutes  " }, `admin:${ADMIN_PASSWORD}`);
    expect(response.status).toBe(202);
    for (const message of await Promise.all(arrivals)) {
      expect(message.text).toBe("Server restart in 5 minutes");
      expect(message.sentAt).toBeGreaterThan(0);
    }

    const credentials = `admin:${ADMIN_PASSWORD}`;
    for (const body of [{ text: "" }, { text: "\u0000\u0001 " }, { text: "x".repeat(501) }, { text: 5 }, { text: "hi", extra: true }, ["hi"]]) {
      const invalid = await announce(node, body, credentials);
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: "TEXT_INVALID" });
    }
    expect((await announce(node, { text: "x".repeat(500) }, credentials)).status).toBe(202);
  });

  it("admin lockout after failed logins", async () => {
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 12 && refused === undefined; attempt += 1) {
      const response = await announce(node, { text: "guess" }, `admin:guess-${attempt}`);
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(401);
    }
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await announce(node, { text: "lucky" }, `admin:${ADMIN_PASSWORD}`)).status).toBe(429);
  });
});

describe("admin API without ADMIN_PASSWORD", () => {
  let env: TestEnvironment;
  let node: GameNode;

  beforeAll(async () => {
    env = await createTestEnvironment();
    node = await startGameNode(env);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("admin routes return 404", async () => {
    for (const credentials of [undefined, "admin:", "admin:anything"]) {
      const response = await announce(node, { text: "hello" }, credentials);
      expect(response.status).toBe(404);
      expect(response.headers.get("www-authenticate")).toBeNull();
      expect(await response.json()).toMatchObject({ error: "NOT_FOUND" });
    }
    expect((await fetch(`${node.baseUrl}/api/admin`, { method: "POST" })).status).toBe(404);
  });
});
