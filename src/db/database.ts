import pg from "pg";
import type { Logger } from "../logger.ts";

/**
 * The minimal query surface the repositories need. Both a pg Pool and a pooled client satisfy
 * it, so the same repository functions run inside and outside a transaction.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** The database handle the rest of the server receives: queries, transactions and shutdown. */
export interface Database extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Returns the URL with its password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparseable url>";
  }
}

/**
 * Creates the database named in `url` when it does not exist yet, by connecting to the
 * server's `postgres` maintenance database. A missing permission surfaces as pg's own error.
 */
export async function ensureDatabaseExists(url: string, log: Logger): Promise<void> {
  const target = new URL(url);
  const databaseName = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!databaseName) {
    throw new Error(`DATABASE_URL ${redactUrl(url)} names no database; append one, e.g. /orbit_arena`);
  }

  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(databaseName)}`);
      log.info({ database: databaseName }, "created database");
    }
  } catch (error) {
    // Two processes starting together may both try to create it; the loser sees 42P04.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await client.end();
  }
}

/** Opens a pg pool on `url`; errors of idle clients are logged instead of crashing the process. */
export function openPostgres(url: string, log: Logger, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => log.error({ err: error }, "idle PostgreSQL client failed"));

  let closed = false;
  return {
    query: (text, values) => pool.query(text, values),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
