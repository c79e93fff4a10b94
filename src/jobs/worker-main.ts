import { ConfigError, loadConfig } from "../config/env.ts";
import { createLogger } from "../logger.ts";
import { openRedisBackends } from "../server/redis-backends.ts";

/**
 * `npm run worker`: a process that runs only the job workers (score persistence, profile
 * write-behind and the dirty-profile sweep), for deployments that run game nodes with
 * RUN_WORKER=false. SIGTERM and SIGINT stop it gracefully within SHUTDOWN_TIMEOUT_MS.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL, "orbit-arena-worker");

  const backends = await openRedisBackends(config, log, { withMatchmaking: false });
  await backends.jobs.startWorkers({ db: backends.db, profiles: backends.profiles, log });
  log.info(backends.describe, "worker started");
  process.send?.("ready");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "worker stopping");
    await backends.close();
    log.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(`Orbit Arena worker failed to start: ${(error as Error).message}`);
  process.exit(1);
});
