/**
 * One game server for a test file: an isolated environment (own PostgreSQL database, Redis
 * prefix and database, free port) and a child process serving the built client on 127.0.0.1.
 */
import type { Config } from "../../../src/config/env.ts";
import { createTestEnvironment, type TestEnvironment } from "../../support/environment.ts";
import { ServerProcess } from "./server-process.ts";

export interface GameServer {
  baseUrl: string;
  process: ServerProcess;
  /** Stops the server (if running) and removes the database and Redis keys. */
  dispose(): Promise<void>;
}

/** Settings the browser tests change, as environment variables of the server process. */
export interface ServerSettings {
  ROUND_SECONDS?: string;
  RESULTS_SECONDS?: string;
  ARENA_MAX_PLAYERS?: string;
  RECONNECT_SECONDS?: string;
  /** Round-trip latency Colyseus adds to every message, in ms. */
  COLYSEUS_LATENCY?: string;
}

/**
 * Variables of the child process. Only values the tests chose are passed on top of PATH and
 * HOME, so a variable set in the developer's shell cannot change what the server does.
 */
export function processEnvironment(config: Config, settings: ServerSettings): Record<string, string> {
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "TMPDIR", "LANG"].flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  return {
    ...inherited,
    NODE_ENV: "test",
    PORT: String(config.PORT),
    HOST: "127.0.0.1",
    STORAGE_MODE: "external",
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    DATABASE_URL: config.DATABASE_URL,
    JWT_SECRET: config.JWT_SECRET ?? "",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
    PROFILE_FLUSH_DELAY_MS: String(config.PROFILE_FLUSH_DELAY_MS),
    PROFILE_SWEEP_INTERVAL_MS: String(config.PROFILE_SWEEP_INTERVAL_MS),
    PROFILE_SWEEP_AGE_MS: String(config.PROFILE_SWEEP_AGE_MS),
    JOB_BACKOFF_MS: String(config.JOB_BACKOFF_MS),
    SHUTDOWN_TIMEOUT_MS: String(config.SHUTDOWN_TIMEOUT_MS),
    ...Object.fromEntries(Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  };
}

export async function startGameServer(settings: ServerSettings = {}): Promise<GameServer> {
  const environment: TestEnvironment = await createTestEnvironment();
  const baseUrl = `http://127.0.0.1:${environment.config.PORT}`;
  const server = new ServerProcess(processEnvironment(environment.config, settings), baseUrl);
  try {
    await server.start();
  } catch (error) {
    await environment.cleanup();
    throw error;
  }
  return {
    baseUrl,
    process: server,
    async dispose() {
      try {
        await server.stop();
      } finally {
        await environment.cleanup();
      }
    },
  };
}
