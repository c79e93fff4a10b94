import path from "node:path";
import { ensureDatabaseExists, openPostgres, redactUrl, type Database } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { openPglite } from "../db/pglite-database.ts";
import type { Logger } from "../logger.ts";

/** The system of record, opened and migrated, handed to the back ends that then own it. */
export interface OpenedDatabase {
  db: Database;
  /** Location of the data, for the start-up log. */
  description: string;
}

async function migrateOrClose(db: Database, log: Logger): Promise<void> {
  try {
    await migrate(db, log);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens PostgreSQL at `url`, creating the database if needed, and applies migrations.
 * `fixHint` ends a connection error's message with what the operator should change.
 */
export async function openPostgresDatabase(url: string, log: Logger, fixHint: string): Promise<OpenedDatabase> {
  let db: Database;
  try {
    await ensureDatabaseExists(url, log);
    db = openPostgres(url, log);
  } catch (error) {
    throw new Error(`could not use PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}; ${fixHint}`, { cause: error });
  }
  await migrateOrClose(db, log);
  return { db, description: `PostgreSQL at ${redactUrl(url)}` };
}

/** Opens (and on first start creates) the embedded PGlite database in `dataDir` and applies migrations. */
export async function openEmbeddedDatabase(dataDir: string, log: Logger): Promise<OpenedDatabase> {
  const db = await openPglite(dataDir, log, "DATA_DIR");
  await migrateOrClose(db, log);
  return { db, description: `embedded PGlite in ${path.resolve(dataDir)}` };
}
