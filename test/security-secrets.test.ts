import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@colyseus/sdk";
import { openPostgres, redactUrl } from "../src/db/database.ts";
import { createLogger } from "../src/logger.ts";
import { openRedis } from "../src/redis/connection.ts";
import { createTestEnvironment, TEST_POSTGRES_URL, type TestEnvironment } from "./support/environment.ts";
import { ServerChild } from "./support/server-child.ts";

// Local Redis has no requirepass and local PostgreSQL trusts loopback, so both accept these
// passwords and ignore them, which lets a real server start with secrets in its URLs.
const REDIS_PASSWORD = "redis-pw-7f3a9c1e5b";
const POSTGRES_PASSWORD = "pg-pw-2d8e4b6a0c";
const JWT_SECRET = "jwt-secret-5c1e9a3f7b2d4e6a8c0b1d3f5a7c9e1b";
const ADMIN_PASSWORD = "admin-pw-9b7d5f3a1c8e6b4d";
const WRONG_ADMIN_PASSWORD = "guess-pw-4a6c8e0b2d";

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

describe("secrets in logs", () => {
  let env: TestEnvironment;
  let server: ServerChild | undefined;
  const seen: string[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
  });

  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  it("no secret in server output", async () => {
    server = await ServerChild.start({
      NODE_ENV: "production",
      PORT: String(env.config.PORT),
      HOST: "127.0.0.1",
      STORAGE_MODE: "external",
      REDIS_URL: withPassword(env.config.REDIS_URL, REDIS_PASSWORD),
      REDIS_PREFIX: env.config.REDIS_PREFIX,
      DATABASE_URL: withPassword(env.config.DATABASE_URL, POSTGRES_PASSWORD),
      JWT_SECRET,
      ADMIN_PASSWORD,
      LOG_LEVEL: "trace",
      SHUTDOWN_TIMEOUT_MS: "3000",
    }, `http://127.0.0.1:${env.config.PORT}`);
    const baseUrl = `http://127.0.0.1:${env.config.PORT}`;

    const guest = (await (await fetch(`${baseUrl}/api/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"Logged"}' })).json()) as { token: string };
    const refreshed = (await (await fetch(`${baseUrl}/api/token/refresh`, { method: "POST", headers: { authorization: `Bearer ${guest.token}` } })).json()) as { token: string };
    seen.push(guest.token, refreshed.token);
    for (const password of [WRONG_ADMIN_PASSWORD, ADMIN_PASSWORD]) {
      await fetch(`${baseUrl}/api/admin/announce`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` },
        body: '{"text":"hello"}',
      });
    }
    const room = await new Client(baseUrl).joinOrCreate("arena", { token: refreshed.token });
    await room.leave();

    const exit = await server.stop();
    expect(exit.code).toBe(0);
    const output = server.output;
    expect(output).toContain("game server listening");
    // The URLs were logged, in their redacted form.
    expect(output).toContain(":***@");
    expect(output).toContain("ALLOWED_ORIGINS is not set");
    // Each action was logged, so each had its chance to leak.
    for (const event of ["guest created", "guest token refreshed", "admin authentication failed", "announcement published", "player joined", "server stopped"]) {
      expect(output).toContain(event);
    }
    for (const secret of [REDIS_PASSWORD, POSTGRES_PASSWORD, JWT_SECRET, ADMIN_PASSWORD, WRONG_ADMIN_PASSWORD, ...seen]) {
      expect(output.includes(secret), `output contains ${secret.slice(0, 12)}...`).toBe(false);
    }
  });
});

describe("encrypted connections to Redis and PostgreSQL", () => {
  const log = createLogger("silent", "tls-urls");

  it("redactUrl hides only the password", () => {
    expect(redactUrl("rediss://user:hunter2@cache.example:6380/2")).toBe("rediss://user:***@cache.example:6380/2");
    expect(redactUrl("postgres://app:p%40ss@db.example/orbit?sslmode=require")).toBe("postgres://app:***@db.example/orbit?sslmode=require");
    expect(redactUrl("not a url hunter2")).toBe("<unparseable url>");
  });

  it("pg honours sslmode=require", async () => {
    // The local server has no TLS: pg asking for it is what proves the parameter is honoured.
    const db = openPostgres(`${TEST_POSTGRES_URL}/postgres?sslmode=require`, log, 1);
    try {
      await expect(db.ping()).rejects.toThrow(/does not support SSL/);
    } finally {
      await db.close();
    }
  });

  it("ioredis uses TLS for rediss", () => {
    const redis = openRedis("rediss://:secret@127.0.0.1:6379/0", "command", "tls-check", log);
    try {
      expect(redis.options.tls).toBeTruthy();
      expect(redis.options.password).toBe("secret");
    } finally {
      redis.disconnect();
    }
  });
});
