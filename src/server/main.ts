import { TokenService } from "../auth/tokens.ts";
import { loadConfigOrExit } from "../config/env.ts";
import { createLogger } from "../logger.ts";
import { startGameServer } from "./game-server.ts";
import { logStorageChoice, openChosenBackends, selectStorage } from "./open-backends.ts";

/** `npm start`: one game node serving rooms, the HTTP API and the browser client. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();

  const log = createLogger(config.LOG_LEVEL, "orbit-arena");
  if (config.jwtSecretGenerated) {
    log.warn("JWT_SECRET is not set; using a random secret, so guest tokens stop working when the server restarts");
  }

  // Redis and PostgreSQL when configured or reachable at their default addresses, otherwise
  // the embedded parts, so that `npm start` works on a machine with only Node.js.
  const choice = await selectStorage(config);
  logStorageChoice(choice, config, log);
  if (choice.cache.mode === "memory" && !config.RUN_WORKER) {
    throw new Error(
      "RUN_WORKER=false would leave this process's jobs without workers: without Redis the jobs run in this process and no separate worker can take them. Unset RUN_WORKER, or set REDIS_URL to use npm run worker",
    );
  }

  const backends = await openChosenBackends(choice, config, log, { withMatchmaking: true });
  if (config.RUN_WORKER) {
    await backends.jobs.startWorkers({ db: backends.db, profiles: backends.profiles, log });
  } else {
    log.info("RUN_WORKER=false: this process runs no job workers; start them with npm run worker");
  }

  const tokens = new TokenService(config.JWT_SECRET, config.TOKEN_TTL_SECONDS);
  await startGameServer({ config, log, backends, tokens });
}

main().catch((error: unknown) => {
  console.error(`Orbit Arena failed to start: ${(error as Error).message}`);
  process.exit(1);
});
