import type { Logger } from "../logger.ts";
import type { Database } from "./database.ts";
import { migrations } from "./migrations.ts";

/** Arbitrary constant key for the advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK_KEY = 727_310_001;

/**
 * Applies every migration newer than the database's recorded version in one transaction, so a
 * failed migration leaves the schema as it was. Processes that start together wait on an
 * advisory lock instead of racing. Returns the versions it applied.
 */
export async function migrate(db: Database, log: Logger): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const applied = await tx.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(applied.rows.map((row) => row.version));

    const appliedNow: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.query(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      log.info({ version: migration.version, migration: migration.name }, "applied migration");
      appliedNow.push(migration.version);
    }
    return appliedNow;
  });
}
