import { z } from "zod";
import { parseOriginList } from "../security/origin-policy.ts";

/**
 * Raised when an environment variable is missing or invalid. The message names the variable,
 * the rejected value and what to set instead, so an operator can fix it without reading code.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

/**
 * Every environment variable the server and worker read, with its default.
 * The README's configuration table mirrors this list.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(2567),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_ADDRESS: z.string().min(1).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional(),
  /**
   * Optional separate Redis for the profile cache, dirty set and leaderboard, which may evict
   * (maxmemory-policy noeviction or volatile-*); unset keeps them on REDIS_URL.
   */
  CACHE_REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+:$/, "must be letters, digits, '_', '.' or '-' and end with ':'")
    .default("orbit:"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  /**
   * Directory of the embedded PGlite database, used when PostgreSQL is not configured. A
   * relative path is resolved against the working directory. One process at a time may use it.
   */
  DATA_DIR: z.string().min(1).default("./data/pglite"),
  /**
   * Where the stateful parts run:
   * - "auto": each part separately. Redis serves rooms, cache, leaderboard and jobs when
   *   REDIS_URL is set or Redis accepts connections at its default address, otherwise they run
   *   in this process. PostgreSQL is used when DATABASE_URL is set or reachable at its default
   *   address, otherwise PGlite in DATA_DIR. A URL that is set but unreachable stops the server.
   * - "embedded": everything in this process with PGlite in DATA_DIR; REDIS_URL and DATABASE_URL are ignored.
   * - "external": Redis and PostgreSQL at REDIS_URL and DATABASE_URL (or their defaults). The
   *   server stops when either is unreachable.
   */
  STORAGE_MODE: z.enum(["auto", "embedded", "external"]).default("auto"),
  JWT_SECRET: z.string().min(1).optional(),
  TOKEN_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  /** How long after expiry a guest token may still be exchanged at POST /api/token/refresh. */
  TOKEN_REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).default(7 * 24 * 3600),
  /** Password of the user `admin` of the /api/admin routes, which return 404 while it is unset. */
  ADMIN_PASSWORD: z.string().min(1).optional(),
  /** Largest WebSocket frame a client may send; a larger one closes that client's connection. */
  MAX_MESSAGE_BYTES: z.coerce.number().int().min(512).max(1024 * 1024).default(4096),
  /** Guest creations (POST /api/guest) per minute per client address; 0 turns the limit off. */
  GUEST_RATE_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(20),
  /** Matchmaking requests (joins) per minute per client address; 0 turns the limit off. */
  JOIN_RATE_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
  /**
   * Apply the guest and join limits to clients on this machine (127.0.0.0/8, ::1) too. Off by
   * default, so local load tests and development are not throttled. A reverse proxy on the same
   * machine needs TRUST_PROXY, or every player counts as a local client.
   */
  RATE_LIMIT_LOOPBACK: booleanFlag.default(false),
  /** Take the client address from the last X-Forwarded-For entry, written by one reverse proxy. */
  TRUST_PROXY: booleanFlag.default(false),
  /** Comma-separated origins whose web pages may use the server; unset allows every origin. */
  ALLOWED_ORIGINS: z
    .string()
    .transform((raw, context) => {
      const parsed = parseOriginList(raw);
      if (parsed.ok) return parsed.origins;
      context.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    })
    .optional(),
  /** PEM certificate (chain) and unencrypted private key; with both set, HTTPS and WSS only. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  ROUND_SECONDS: positiveInt.max(3600).default(180),
  RESULTS_SECONDS: positiveInt.max(600).default(8),
  ARENA_MAX_PLAYERS: positiveInt.max(64).default(16),
  RECONNECT_SECONDS: positiveInt.max(600).default(20),
  TRANSPORT: z.enum(["auto", "uws", "ws"]).default("auto"),
  RUN_WORKER: booleanFlag.default(true),
  /** Port of a standalone worker's /metrics and /healthz (npm run worker). */
  WORKER_PORT: port.default(2667),
  PROFILE_FLUSH_DELAY_MS: z.coerce.number().int().min(0).default(15_000),
  PROFILE_SWEEP_INTERVAL_MS: positiveInt.default(30_000),
  PROFILE_SWEEP_AGE_MS: positiveInt.default(60_000),
  PROFILE_CACHE_TTL_SECONDS: positiveInt.default(3600),
  /** Seconds a round's once-only markers stay after its score job is done. A round queued again within this time is not counted twice. */
  ROUND_MARKER_TTL_SECONDS: z.coerce.number().int().min(60).default(86_400),
  JOB_ATTEMPTS: positiveInt.max(100).default(8),
  JOB_BACKOFF_MS: positiveInt.default(1000),
  /** Lock of an active job and interval of the stalled-job check; a killed worker's jobs run again after about twice this. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Completed jobs kept per queue (each also for at most an hour), so Redis memory stays flat. */
  JOB_KEEP_COMPLETED: z.coerce.number().int().min(0).default(10_000),
  /** A worker whose queue has waiting jobs, none active and none finished for this long is recreated; 0 turns the watchdog off. */
  JOB_WATCHDOG_MS: z.coerce.number().int().min(0).default(60_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(20_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = z.infer<typeof schema> & {
  /** Redis URL with the default applied. */
  REDIS_URL: string;
  /** PostgreSQL URL with the default applied. */
  DATABASE_URL: string;
  /** True when REDIS_URL was set in the environment, false when REDIS_URL is the default. */
  redisUrlSet: boolean;
  /** True when DATABASE_URL was set in the environment, false when DATABASE_URL is the default. */
  databaseUrlSet: boolean;
  /** True when JWT_SECRET was not set and a random per-start secret is used. */
  jwtSecretGenerated: boolean;
};

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/orbit_arena";

/**
 * Reads and validates the configuration from an environment map.
 * Throws ConfigError naming every invalid variable; the caller prints it and exits.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = schema.safeParse(defined);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? "environment");
      const value = env[variable];
      return `  ${variable}=${JSON.stringify(value)}: ${issue.message}`;
    });
    throw new ConfigError(
      `Invalid configuration; fix these environment variables (see the README's configuration table):\n${lines.join("\n")}`,
    );
  }

  const config = parsed.data;
  if (config.NODE_ENV === "production" && config.JWT_SECRET === undefined) {
    throw new ConfigError(
      "Invalid configuration: JWT_SECRET is not set, and NODE_ENV=production needs one secret shared by every node so guest tokens survive restarts; set a random value of at least 32 characters.",
    );
  }
  if (config.NODE_ENV === "production" && config.JWT_SECRET !== undefined && config.JWT_SECRET.length < 32) {
    throw new ConfigError(
      "Invalid configuration: JWT_SECRET is shorter than 32 bytes, which is too weak for NODE_ENV=production; set a random value of at least 32 characters.",
    );
  }
  if ((config.TLS_CERT_FILE === undefined) !== (config.TLS_KEY_FILE === undefined)) {
    throw new ConfigError("Invalid configuration: set both TLS_CERT_FILE and TLS_KEY_FILE to serve HTTPS and WSS, or neither.");
  }
  if (config.NODE_ENV === "production" && config.ADMIN_PASSWORD !== undefined && config.ADMIN_PASSWORD.length < 16) {
    throw new ConfigError(
      "Invalid configuration: ADMIN_PASSWORD is shorter than 16 characters, which is too weak for NODE_ENV=production; set a random value of at least 16 characters, or unset it to turn the admin API off.",
    );
  }

  return {
    ...config,
    REDIS_URL: config.REDIS_URL ?? DEFAULT_REDIS_URL,
    DATABASE_URL: config.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrlSet: config.REDIS_URL !== undefined,
    databaseUrlSet: config.DATABASE_URL !== undefined,
    jwtSecretGenerated: config.JWT_SECRET === undefined,
  };
}

/** Loads the configuration for an entry point; prints the ConfigError and exits with code 2 when invalid. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
