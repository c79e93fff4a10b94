import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import pg from "pg";
import { Redis } from "ioredis";
import { loadConfig, type Config } from "../../src/config/env.ts";
import { createLogger, type Logger } from "../../src/logger.ts";

/** Base URLs of the real services the tests use; CI may point them elsewhere. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";

/**
 * Redis databases lent to test files. Colyseus's driver keeps its room listings and process
 * list under fixed key names, so two test files in one database would place rooms on each
 * other's processes; each file borrows a database of its own for the duration of the file.
 */
const LENT_DATABASES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const COLYSEUS_KEYS = ["roomcaches", "roomcount"];

async function borrowRedisDatabase(id: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    for (const database of LENT_DATABASES) {
      const taken = await redis.set(`orbit-test:lent-db:${database}`, id, "EX", 900, "NX");
      if (taken === "OK") return database;
    }
  } finally {
    redis.disconnect();
  }
  throw new Error(`all ${LENT_DATABASES.length} test Redis databases are lent out; delete the orbit-test:lent-db:* keys of dead runs`);
}

async function returnRedisDatabase(database: number): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.del(`orbit-test:lent-db:${database}`);
  } finally {
    redis.disconnect();
  }
}

function withDatabase(url: string, database: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A unique database name and Redis prefix for one test file, and a logger quiet by default. */
export interface TestEnvironment {
  config: Config;
  log: Logger;
  /** Drops the database and deletes every Redis key under the prefix. */
  cleanup(): Promise<void>;
}

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Builds a configuration that points at a fresh database and key prefix. */
export async function createTestEnvironment(overrides: Record<string, string> = {}): Promise<TestEnvironment> {
  const id = randomBytes(4).toString("hex");
  const databaseName = `orbit_test_${id}`;
  const prefix = `orbit-test-${id}:`;
  const redisDatabase = await borrowRedisDatabase(id);
  const redisUrl = withDatabase(TEST_REDIS_URL, redisDatabase);
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    DATABASE_URL: `${TEST_POSTGRES_URL}/${databaseName}`,
    JWT_SECRET: `test-secret-${id}-0123456789abcdef0123456789`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    PROFILE_FLUSH_DELAY_MS: "100",
    PROFILE_SWEEP_INTERVAL_MS: "500",
    PROFILE_SWEEP_AGE_MS: "500",
    JOB_BACKOFF_MS: "100",
    SHUTDOWN_TIMEOUT_MS: "3000",
    ...overrides,
  });
  const log = createLogger(config.LOG_LEVEL, `test-${id}`);

  return {
    config,
    log,
    async cleanup() {
      await deleteKeys(redisUrl, prefix, COLYSEUS_KEYS);
      await returnRedisDatabase(redisDatabase);
      await dropDatabase(databaseName);
    },
  };
}

async function deleteKeys(url: string, prefix: string, extraKeys: string[]): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await redis.del(...extraKeys);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${TEST_POSTGRES_URL}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
