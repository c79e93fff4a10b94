import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenService } from "../src/auth/tokens.ts";
import { errorCodeOf } from "../src/rooms/error-codes.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";

/** Joins the arena with `options` and returns the error code the server rejected it with. */
async function joinError(node: GameNode, options: Record<string, unknown>): Promise<string | undefined> {
  try {
    const room = await node.client().joinOrCreate("arena", options);
    await room.leave();
  } catch (error) {
    expect((error as { code: number }).code).toBe(401);
    return errorCodeOf((error as Error).message);
  }
  throw new Error("join succeeded but was expected to fail");
}

describe("join authentication", () => {
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

  it("rejects a join without a token", async () => {
    expect(await joinError(node, {})).toBe("TOKEN_MISSING");
  });

  it("rejects a malformed token", async () => {
    expect(await joinError(node, { token: "not-a-jwt" })).toBe("TOKEN_INVALID");
  });

  it("rejects a token signed with another secret", async () => {
    const forged = await new TokenService("another-secret-that-is-long-enough-000", 60).sign({ playerId: "p1", name: "Mallory" });
    expect(await joinError(node, { token: forged })).toBe("TOKEN_INVALID");
  });

  it("rejects an expired token", async () => {
    const shortLived = new TokenService(env.config.JWT_SECRET, 1);
    const token = await shortLived.sign({ playerId: "p2", name: "Late" });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await joinError(node, { token })).toBe("TOKEN_EXPIRED");
  });

  it("accepts a guest token from the API", async () => {
    const guest = await node.createGuest("Valid");
    const room = await node.client().joinOrCreate("arena", { token: guest.token });
    expect(room.sessionId).toBeTruthy();
    await room.leave();
  });

  it("rejects an invalid guest name with a clear error", async () => {
    const response = await fetch(`${node.baseUrl}/api/guest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "NAME_INVALID" });
  });
});
