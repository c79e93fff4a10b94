import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../src/config/env.ts";
import { insertPlayer, selectPlayer } from "../src/db/players.ts";
import { persistRound } from "../src/jobs/handlers.ts";
import { postgresTarget, redisTarget, type AddressProbe } from "../src/server/address-probe.ts";
import { openBackends, openChosenBackends, selectStorage, StorageUnavailableError } from "../src/server/open-backends.ts";
import { createTestEnvironment, freePort, type TestEnvironment } from "./support/environment.ts";

let env: TestEnvironment;
/** URLs of ports that were free a moment ago and on which nothing listens. */
let closedRedisUrl: string;
let closedDatabaseUrl: string;
const dataDirs: string[] = [];

beforeAll(async () => {
  env = await createTestEnvironment();
  closedRedisUrl = `redis://127.0.0.1:${await freePort()}`;
  closedDatabaseUrl = `postgres://postgres@127.0.0.1:${await freePort()}/orbit_arena`;
});

afterAll(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  await env?.cleanup();
});

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "orbit-mode-test-"));
  dataDirs.push(dir);
  return dir;
}

/**
 * Builds the configuration of a start with REDIS_URL and DATABASE_URL unset, whose defaults
 * point at closed ports, like a machine where nothing listens on 6379 and 5432.
 */
function unsetUrlsNothingAnswering(dataDir: string): Config {
  return { ...env.config, STORAGE_MODE: "auto", REDIS_URL: closedRedisUrl, redisUrlSet: false, DATABASE_URL: closedDatabaseUrl, databaseUrlSet: false, DATA_DIR: dataDir };
}

describe("storage mode selection", () => {
  it("chooses embedded parts when nothing listens", async () => {
    const config = unsetUrlsNothingAnswering(await tempDataDir());
    const choice = await selectStorage(config);
    expect(choice.cache).toMatchObject({ mode: "memory", reason: expect.stringContaining("REDIS_URL is not set") });
    expect(choice.database).toMatchObject({ mode: "pglite", dataDir: config.DATA_DIR });

    const backends = await openChosenBackends(choice, config, env.log, { withMatchmaking: true });
    try {
      expect(backends.presence).toBeUndefined();
      expect(backends.driver).toBeUndefined();
      expect(backends.describe.database).toContain("PGlite");
      expect(await backends.health.queue()).toMatchObject({ mode: "in-process" });
    } finally {
      await backends.close();
    }
  });

  it("rejects an unreachable REDIS_URL", async () => {
    const config = { ...env.config, REDIS_URL: closedRedisUrl, redisUrlSet: true };
    const failure = await openBackends(config, env.log, { withMatchmaking: false }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as StorageUnavailableError).variable).toBe("REDIS_URL");
    expect((failure as Error).message).toContain(`REDIS_URL=${closedRedisUrl}`);
  });

  it("rejects an unreachable DATABASE_URL", async () => {
    const config = { ...env.config, DATABASE_URL: closedDatabaseUrl, databaseUrlSet: true };
    const failure = await openBackends(config, env.log, { withMatchmaking: false }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as StorageUnavailableError).variable).toBe("DATABASE_URL");
    expect((failure as Error).message).toContain("DATABASE_URL=postgres://postgres@127.0.0.1:");
  });

  it("requires the services under STORAGE_MODE=external", async () => {
    const config: Config = { ...unsetUrlsNothingAnswering(await tempDataDir()), STORAGE_MODE: "external" };
    const failure = await selectStorage(config).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).message).toMatch(/STORAGE_MODE=external requires (Redis|PostgreSQL)/);
  });

  it("probes nothing under STORAGE_MODE=embedded", async () => {
    let probes = 0;
    const probe: AddressProbe = async () => {
      probes += 1;
      return { ok: true };
    };
    const config: Config = { ...env.config, STORAGE_MODE: "embedded", REDIS_URL: closedRedisUrl, redisUrlSet: true };
    const choice = await selectStorage(config, probe);

    expect(choice.cache.mode).toBe("memory");
    expect(choice.database.mode).toBe("pglite");
    expect(probes).toBe(0);
  });

  it("decides Redis and the database separately", async () => {
    const answersOnlyRedis: AddressProbe = async (target) =>
      "port" in target && target.port === 6379 ? { ok: true } : { ok: false, reason: "ECONNREFUSED" };
    const config: Config = { ...env.config, REDIS_URL: "redis://127.0.0.1:6379", redisUrlSet: false, databaseUrlSet: false };
    const choice = await selectStorage(config, answersOnlyRedis);

    expect(choice.cache).toEqual({ mode: "redis", url: "redis://127.0.0.1:6379", explicit: false });
    expect(choice.database).toMatchObject({ mode: "pglite", reason: expect.stringContaining("DATABASE_URL is not set") });
  });
});

describe("mixed storage modes", () => {
  /** Creates a player, persists a round for it, flushes its profile and reads the row back. */
  async function roundTrip(config: Config): Promise<{ totalScore?: number; gamesPlayed?: number; describe: Record<string, string> }> {
    const backends = await openBackends(config, env.log, { withMatchmaking: false });
    try {
      const playerId = randomUUID();
      await backends.profiles.seed(await insertPlayer(backends.db, playerId, "Mixed"));
      const deps = { db: backends.db, profiles: backends.profiles, log: env.log };
      const results = [{ playerId, name: "Mixed", score: 11 }];
      await persistRound(deps, { roomId: "room-m", roundId: randomUUID(), round: 1, finishedAt: Date.now(), results });
      await backends.profiles.flush(playerId);
      const stored = await selectPlayer(backends.db, playerId);
      return { totalScore: stored?.totalScore, gamesPlayed: stored?.gamesPlayed, describe: backends.describe };
    } finally {
      await backends.close();
    }
  }

  it("runs the Redis cache with PGlite", async () => {
    const config: Config = { ...env.config, DATABASE_URL: closedDatabaseUrl, databaseUrlSet: false, DATA_DIR: await tempDataDir() };
    const outcome = await roundTrip(config);

    expect(outcome).toMatchObject({ totalScore: 11, gamesPlayed: 1 });
    expect(outcome.describe).toMatchObject({ jobs: "BullMQ on Redis", database: expect.stringContaining("PGlite") });
  });

  it("runs the memory cache with PostgreSQL", async () => {
    const config: Config = { ...env.config, REDIS_URL: closedRedisUrl, redisUrlSet: false };
    const outcome = await roundTrip(config);

    expect(outcome).toMatchObject({ totalScore: 11, gamesPlayed: 1 });
    expect(outcome.describe).toMatchObject({ cache: "in this process's memory", database: expect.stringContaining("PostgreSQL") });
  });
});

describe("service addresses", () => {
  it("reads the Redis host and default port", () => {
    expect(redisTarget("redis://cache.internal")).toEqual({ host: "cache.internal", port: 6379 });
    expect(redisTarget("rediss://user:secret@[::1]:6380/2")).toEqual({ host: "::1", port: 6380 });
  });

  it("reads the PostgreSQL host, socket and port", () => {
    expect(postgresTarget("postgres://postgres@db:5433/orbit")).toEqual({ host: "db", port: 5433 });
    expect(postgresTarget("postgresql:///orbit?host=/var/run/postgresql")).toEqual({ path: "/var/run/postgresql/.s.PGSQL.5432" });
  });

  it("tells set URLs from defaults", () => {
    expect(loadConfig({})).toMatchObject({ redisUrlSet: false, databaseUrlSet: false, STORAGE_MODE: "auto", DATA_DIR: "./data/pglite" });
    expect(loadConfig({ REDIS_URL: "redis://10.0.0.5:6379" })).toMatchObject({ redisUrlSet: true, REDIS_URL: "redis://10.0.0.5:6379" });
    expect(loadConfig({ DATABASE_URL: "" })).toMatchObject({ databaseUrlSet: false });
  });
});

describe("entry points in embedded mode", () => {
  /** Runs an entry point with only the given variables besides PATH and HOME, and returns its exit code and stderr. */
  async function runEntry(script: string, variables: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "silent", ...variables },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    return { code, stderr };
  }

  it("rejects a standalone worker", async () => {
    const { code, stderr } = await runEntry("src/jobs/worker-main.ts", { STORAGE_MODE: "embedded", DATA_DIR: await tempDataDir() });
    expect(code).toBe(2);
    expect(stderr).toContain("npm run worker needs Redis");
  });

  it("rejects RUN_WORKER=false on a game node", async () => {
    const { code, stderr } = await runEntry("src/server/main.ts", { STORAGE_MODE: "embedded", RUN_WORKER: "false", DATA_DIR: await tempDataDir() });
    expect(code).toBe(1);
    expect(stderr).toContain("RUN_WORKER=false");
  });
});
