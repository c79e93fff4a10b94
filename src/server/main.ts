import { TokenService } from "../auth/tokens.ts";
import { ConfigError, loadConfig } from "../config/env.ts";
import { createLogger } from "../logger.ts";
import { openRedisBackends } from "./redis-backends.ts";
import { startGameServer } from "./game-server.ts";

/** `npm start`: one game node serving rooms, the HTTP API and the browser client. */
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

  const log = createLogger(config.LOG_LEVEL, "orbit-arena");
  if (config.jwtSecretGenerated) {
    log.warn("JWT_SECRET is not set; using a random secret, so guest tokens stop working when the server restarts");
  }

  const backends = await openRedisBackends(config, log, { withMatchmaking: true });
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
