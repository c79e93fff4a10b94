import { ConfigError, loadConfig } from "../config/env.ts";
import { createLogger } from "../logger.ts";
import { ensureDatabaseExists, openPostgres, redactUrl } from "./database.ts";
import { migrate } from "./migrate.ts";

/** `npm run migrate`: creates the database if needed and applies pending migrations. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, "orbit-arena-migrate");
  await ensureDatabaseExists(config.DATABASE_URL, log);
  const db = openPostgres(config.DATABASE_URL, log, 1);
  try {
    const applied = await migrate(db, log);
    log.info({ database: redactUrl(config.DATABASE_URL), applied }, applied.length > 0 ? "migrations applied" : "database is up to date");
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exit(1);
});
