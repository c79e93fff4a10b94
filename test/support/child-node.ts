import type { TestEnvironment } from "./environment.ts";
import { ServerChild } from "./server-child.ts";

/**
 * Starts `npm start`'s entry point in a child process on the test environment's Redis,
 * database and port, with rate limits off. `extra` adds or overrides settings. It runs as a
 * child so that a server that freezes or crashes fails the test and not the test runner.
 */
export async function startChildNode(env: TestEnvironment, extra: Record<string, string> = {}): Promise<{ server: ServerChild; baseUrl: string }> {
  const baseUrl = `http://127.0.0.1:${env.config.PORT}`;
  const server = await ServerChild.start(
    {
      NODE_ENV: "test",
      PORT: String(env.config.PORT),
      HOST: "127.0.0.1",
      STORAGE_MODE: "external",
      REDIS_URL: env.config.REDIS_URL,
      REDIS_PREFIX: env.config.REDIS_PREFIX,
      DATABASE_URL: env.config.DATABASE_URL,
      JWT_SECRET: env.config.JWT_SECRET ?? "",
      LOG_LEVEL: "warn",
      GUEST_RATE_PER_MINUTE: "0",
      JOIN_RATE_PER_MINUTE: "0",
      ...extra,
    },
    baseUrl,
  );
  return { server, baseUrl };
}

/** Creates a guest through the HTTP API and returns its token. */
export async function guestToken(baseUrl: string, name: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  return ((await response.json()) as { token: string }).token;
}
