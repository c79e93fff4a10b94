import path from "node:path";
import type { Config } from "../config/env.ts";
import { redactUrl } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { describeTarget, postgresTarget, probeAddress, redisTarget, type AddressProbe, type ProbeTarget } from "./address-probe.ts";
import type { Backends } from "./backends.ts";
import { openEmbeddedDatabase, openPostgresDatabase, type OpenedDatabase } from "./database-part.ts";
import { openEmbeddedBackends } from "./embedded-backends.ts";
import { openRedisBackends } from "./redis-backends.ts";

/** Probe timeout at a default address: short, because on a first start nothing is there. */
export const DEFAULT_ADDRESS_PROBE_MS = 500;
/** Probe timeout at a configured address, which may be on another host. */
export const CONFIGURED_ADDRESS_PROBE_MS = 5000;

export type StorageVariable = "REDIS_URL" | "DATABASE_URL";

/** Raised when a service that the configuration requires is unreachable. The message names the variable. */
export class StorageUnavailableError extends Error {
  override name = "StorageUnavailableError";
  readonly variable: StorageVariable;

  constructor(variable: StorageVariable, message: string) {
    super(message);
    this.variable = variable;
  }
}

/** Mode of the Redis-backed parts: rooms (presence and driver), profile cache, leaderboard and jobs. */
export type CacheChoice = { mode: "redis"; url: string; explicit: boolean } | { mode: "memory"; reason: string };

/** Mode of the system of record. */
export type DatabaseChoice = { mode: "postgres"; url: string; explicit: boolean } | { mode: "pglite"; dataDir: string; reason: string };

/** The two independent decisions of one start. */
export interface StorageChoice {
  cache: CacheChoice;
  database: DatabaseChoice;
}

/** Settings of one external service that the selection probes. */
interface ServiceSpec {
  variable: StorageVariable;
  product: string;
  url: string;
  /** True when the variable was set, false when `url` is its default. */
  explicit: boolean;
  target: (url: string) => ProbeTarget;
  /** Embedded counterpart that unsetting the variable selects, for error messages. */
  embeddedAlternative: string;
}

type ServiceDecision = { external: true } | { external: false; reason: string };

function unavailableMessage(spec: ServiceSpec, mode: Config["STORAGE_MODE"], address: string, reason: string): string {
  if (!spec.explicit) {
    return (
      `STORAGE_MODE=external requires ${spec.product}, but ${spec.variable} is not set and connecting to its ` +
      `default address ${address} failed (${reason}); start ${spec.product} there or set ${spec.variable}.`
    );
  }
  const fallback =
    mode === "external"
      ? `STORAGE_MODE=external requires it.`
      : `Unset ${spec.variable} to ${spec.embeddedAlternative} instead.`;
  return `${spec.variable}=${redactUrl(spec.url)}: connecting to ${address} failed (${reason}); start ${spec.product} there or fix ${spec.variable}. ${fallback}`;
}

/**
 * Decides one service: embedded when forced, otherwise external when its address accepts a
 * connection. A set variable, or STORAGE_MODE=external, makes a failed connection an error.
 */
async function decideService(spec: ServiceSpec, mode: Config["STORAGE_MODE"], probe: AddressProbe): Promise<ServiceDecision> {
  if (mode === "embedded") return { external: false, reason: "STORAGE_MODE=embedded" };

  let target: ProbeTarget;
  try {
    target = spec.target(spec.url);
  } catch {
    throw new StorageUnavailableError(spec.variable, `${spec.variable}=${redactUrl(spec.url)} is not a valid URL; fix or unset it.`);
  }
  const required = mode === "external" || spec.explicit;
  const result = await probe(target, required ? CONFIGURED_ADDRESS_PROBE_MS : DEFAULT_ADDRESS_PROBE_MS);
  if (result.ok) return { external: true };

  const address = describeTarget(target);
  if (!required) {
    return { external: false, reason: `${spec.variable} is not set and connecting to the default ${address} failed (${result.reason})` };
  }
  throw new StorageUnavailableError(spec.variable, unavailableMessage(spec, mode, address, result.reason));
}

/**
 * Chooses, separately for the Redis-backed parts and for the database, between the external
 * service and its embedded counterpart, following STORAGE_MODE (see the config schema).
 * Both addresses are probed in parallel. Throws StorageUnavailableError naming the variable
 * when a required service is unreachable.
 */
export async function selectStorage(config: Config, probe: AddressProbe = probeAddress): Promise<StorageChoice> {
  const redis: ServiceSpec = {
    variable: "REDIS_URL",
    product: "Redis",
    url: config.REDIS_URL,
    explicit: config.redisUrlSet,
    target: redisTarget,
    embeddedAlternative: "run rooms, cache, leaderboard and jobs in this process",
  };
  const postgres: ServiceSpec = {
    variable: "DATABASE_URL",
    product: "PostgreSQL",
    url: config.DATABASE_URL,
    explicit: config.databaseUrlSet,
    target: postgresTarget,
    embeddedAlternative: "use the embedded PGlite database in DATA_DIR",
  };
  const [cache, database] = await Promise.all([
    decideService(redis, config.STORAGE_MODE, probe),
    decideService(postgres, config.STORAGE_MODE, probe),
  ]);
  return {
    cache: cache.external ? { mode: "redis", url: config.REDIS_URL, explicit: config.redisUrlSet } : { mode: "memory", reason: cache.reason },
    database: database.external
      ? { mode: "postgres", url: config.DATABASE_URL, explicit: config.databaseUrlSet }
      : { mode: "pglite", dataDir: config.DATA_DIR, reason: database.reason },
  };
}

/** Logs which mode each part runs in and what to set to scale out. */
export function logStorageChoice(choice: StorageChoice, config: Config, log: Logger): void {
  if (config.STORAGE_MODE === "embedded") {
    const ignored = [config.redisUrlSet && "REDIS_URL", config.databaseUrlSet && "DATABASE_URL"].filter(Boolean);
    if (ignored.length > 0) log.info({ ignored }, "STORAGE_MODE=embedded: ignoring the configured service URLs");
  }

  if (choice.cache.mode === "redis") {
    log.info({ redis: redactUrl(choice.cache.url) }, "storage: rooms, profile cache, leaderboard and jobs use Redis");
  } else {
    log.info(
      { reason: choice.cache.reason },
      "storage: rooms, profile cache, leaderboard and jobs run in this process; to run several game nodes, start Redis and set REDIS_URL and DATABASE_URL",
    );
    log.warn(
      "storage: jobs run in this process and are not durable; a crash loses finished rounds and profile changes not yet written to the database (a clean shutdown writes them). Set REDIS_URL for durable BullMQ queues",
    );
  }

  if (choice.database.mode === "postgres") {
    log.info({ database: redactUrl(choice.database.url) }, "storage: database is PostgreSQL");
  } else {
    log.info(
      { dataDir: path.resolve(choice.database.dataDir), reason: choice.database.reason },
      "storage: database is embedded PGlite in DATA_DIR, usable by one process at a time; set DATABASE_URL to use PostgreSQL, which several game nodes need",
    );
  }
}

async function openChosenDatabase(choice: DatabaseChoice, log: Logger): Promise<OpenedDatabase> {
  if (choice.mode === "pglite") return openEmbeddedDatabase(choice.dataDir, log);
  const fixHint = choice.explicit
    ? "check DATABASE_URL"
    : "something answers at the default PostgreSQL address but the connection failed; set DATABASE_URL with the right user and password, or STORAGE_MODE=embedded to use PGlite in DATA_DIR";
  return openPostgresDatabase(choice.url, log, fixHint);
}

export interface OpenBackendOptions {
  /** Also open Colyseus's Redis presence and driver when Redis is used (game nodes). */
  withMatchmaking: boolean;
}

/** Opens the database, then the rest of the back ends, as `choice` selects. Closes the database if the rest fails. */
export async function openChosenBackends(choice: StorageChoice, config: Config, log: Logger, options: OpenBackendOptions): Promise<Backends> {
  const database = await openChosenDatabase(choice.database, log);
  try {
    if (choice.cache.mode === "redis") {
      return await openRedisBackends(config, log, { withMatchmaking: options.withMatchmaking, database });
    }
    return await openEmbeddedBackends(config, log, { database });
  } catch (error) {
    await database.db.close().catch(() => undefined);
    throw error;
  }
}

/** Selects the storage modes, logs them and opens the back ends. */
export async function openBackends(config: Config, log: Logger, options: OpenBackendOptions): Promise<Backends> {
  const choice = await selectStorage(config);
  logStorageChoice(choice, config, log);
  return openChosenBackends(choice, config, log, options);
}
