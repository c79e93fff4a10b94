import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";

const PASSWORD = "dashboard-password-0123";
const AUTH = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}` };

describe("admin dashboards", () => {
  let env: TestEnvironment;
  let node: GameNode;

  beforeAll(async () => {
    env = await createTestEnvironment({ STORAGE_MODE: "external", ADMIN_PASSWORD: PASSWORD });
    node = await startGameNode(env);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("asks for credentials on the room monitor", async () => {
    const response = await fetch(`${node.baseUrl}/admin/monitor/api`);
    expect(response.status).toBe(401);
  });

  it("lists rooms in the monitor for the admin", async () => {
    const response = await fetch(`${node.baseUrl}/admin/monitor/api`, { headers: AUTH });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty("rooms");
  });

  it("shows both queues on the queue dashboard", async () => {
    const response = await fetch(`${node.baseUrl}/admin/queues/api/queues`, { headers: AUTH });
    const body = (await response.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(["profiles", "scores"]);
  });

  it("serves the queue dashboard page", async () => {
    const response = await fetch(`${node.baseUrl}/admin/queues/`, { headers: AUTH });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<title>Bull Dashboard");
  });
});

describe("admin dashboards without a password", () => {
  let env: TestEnvironment;
  let node: GameNode;

  beforeAll(async () => {
    env = await createTestEnvironment({ STORAGE_MODE: "external" });
    node = await startGameNode(env);
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
  });

  it("does not exist", async () => {
    const response = await fetch(`${node.baseUrl}/admin/monitor/api`, { headers: AUTH });
    expect(response.status).toBe(404);
  });
});
