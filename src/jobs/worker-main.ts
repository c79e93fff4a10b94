import { loadConfigOrExit } from "../config/env.ts";
import { createLogger } from "../logger.ts";
import { GameMetrics } from "../metrics/game-metrics.ts";
import { registerStoreMetrics } from "../metrics/server-metrics.ts";
import { startWorkerHttp } from "./worker-http.ts";
import { logStorageChoice, openChosenBackends, selectStorage, type StorageChoice } from "../server/open-backends.ts";

/**
 * Returns why a standalone worker cannot run with `choice`, or undefined when it can. A worker
 * takes jobs from Redis and writes to the database the game nodes use, so both must be external.
 */
function embeddedPartError(choice: StorageChoice): string | undefined {
  if (choice.cache.mode === "memory") {
    return `npm run worker needs Redis, because without it the game server runs its jobs in its own process (${choice.cache.reason}); set REDIS_URL on the game nodes and on the worker`;
  }
  if (choice.database.mode === "pglite") {
    return `npm run worker needs PostgreSQL shared with the game nodes, but the database would be the embedded PGlite, which one process at a time can use (${choice.database.reason}); set DATABASE_URL`;
  }
  return undefined;
}

/** Time a stopping worker gets beyond SHUTDOWN_TIMEOUT_MS for the forced close and the connections. */
const EXIT_GRACE_MS = 10_000;

/**
 * `npm run worker`: a process that runs only the job workers (score persistence, profile
 * write-behind and the dirty-profile sweep), for deployments that run game nodes with
 * RUN_WORKER=false. SIGTERM and SIGINT stop it gracefully within SHUTDOWN_TIMEOUT_MS.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, "orbit-arena-worker");

  const choice = await selectStorage(config);
  const unsupported = embeddedPartError(choice);
  if (unsupported) {
    console.error(unsupported);
    process.exit(2);
  }
  logStorageChoice(choice, config, log);
  const backends = await openChosenBackends(choice, config, log, { withMatchmaking: false });
  await backends.jobs.startWorkers({ db: backends.db, profiles: backends.profiles, log });
  const metrics = new GameMetrics();
  registerStoreMetrics(metrics, backends);
  const http = await startWorkerHttp(config.WORKER_PORT, config.HOST, metrics, backends.health, log);
  log.info(backends.describe, "worker started");
  process.send?.("ready");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "worker stopping");
    // Closing the database waits for its running queries, which a hung server never ends. The
    // jobs are safe either way, because unfinished ones run again once their lock expires.
    setTimeout(() => {
      log.error({ graceMs: EXIT_GRACE_MS }, "worker did not stop in time; exiting anyway");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + EXIT_GRACE_MS).unref();
    http.close();
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
