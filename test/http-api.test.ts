import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";

describe("HTTP API", () => {
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

  it("reports every dependency up on /healthz", async () => {
    const response = await fetch(`${node.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      redis: { status: "up" },
      postgres: { status: "up" },
      queue: { status: "up" },
    });
  });

  it("rejects a leaderboard limit above 100", async () => {
    const response = await fetch(`${node.baseUrl}/api/leaderboard?limit=101`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "LIMIT_INVALID" });
  });

  it("returns leaderboard entries as a list", async () => {
    const response = await fetch(`${node.baseUrl}/api/leaderboard?limit=5`);
    expect(response.status).toBe(200);
    expect(Array.isArray(((await response.json()) as { entries: unknown }).entries)).toBe(true);
  });

  it("rejects a guest request that is not JSON", async () => {
    const response = await fetch(`${node.baseUrl}/api/guest`, { method: "POST", body: "name=Eve" });
    expect(response.status).toBe(400);
  });

  it("answers malformed JSON with BODY_INVALID", async () => {
    const response = await fetch(`${node.baseUrl}/api/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("BODY_INVALID");
  });
});
