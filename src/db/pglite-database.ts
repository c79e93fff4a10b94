import { AsyncLocalStorage } from "node:async_hooks";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Mutex, PGlite, types, type Results, type Transaction } from "@electric-sql/pglite";
import type pg from "pg";
import type { Logger } from "../logger.ts";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.ts";
import type { Database, Queryable } from "./database.ts";

/**
 * Type parsers that make PGlite return what node-postgres returns, so repositories and tests
 * see the same values on both: bigint and numeric as strings, because they can exceed 2^53.
 * PGlite derives its array parsers from these, so bigint[] also becomes string[].
 */
const PG_COMPATIBLE_PARSERS = {
  [types.INT8]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
};

/** Result of a statement that returns no rows, e.g. an empty multi-statement string. */
const EMPTY_RESULTS: Results = { rows: [], fields: [] };

function toQueryResult<R extends pg.QueryResultRow>(result: Results<R>): pg.QueryResult<R> {
  return {
    command: result.command ?? "",
    // node-postgres reports null for commands without a row count, such as CREATE.
    rowCount: result.rowCount ?? null,
    oid: 0,
    rows: result.rows,
    fields: result.fields.map((field) => ({
      name: field.name,
      dataTypeID: field.dataTypeID,
      tableID: 0,
      columnID: 0,
      dataTypeSize: -1,
      dataTypeModifier: -1,
      format: "text",
    })),
  };
}

/**
 * Runs one query the way node-postgres does: without values it uses the simple protocol,
 * which accepts several statements (migrations rely on that), and returns the last
 * statement's result, whereas node-postgres returns an array for several statements.
 */
async function runQuery<R extends pg.QueryResultRow>(
  target: PGlite | Transaction,
  text: string,
  values: unknown[] | undefined,
): Promise<pg.QueryResult<R>> {
  if (values === undefined || values.length === 0) {
    const results = await target.exec(text);
    return toQueryResult((results.at(-1) ?? EMPTY_RESULTS) as Results<R>);
  }
  return toQueryResult(await target.query<R>(text, values));
}

/**
 * The `Database` on PGlite, PostgreSQL compiled to WebAssembly running in this process. PGlite
 * has a single connection, so every transaction holds a mutex from BEGIN to COMMIT and queries
 * outside a transaction wait for it instead of running inside someone else's transaction.
 */
class PgliteDatabase implements Database {
  readonly #pglite: PGlite;
  readonly #lock: DataDirLock;
  readonly #log: Logger;
  readonly #dataDir: string;
  readonly #mutex = new Mutex();
  /** Set while a transaction's work runs, to detect a query that would wait for itself. */
  readonly #inTransaction = new AsyncLocalStorage<true>();
  #closing: Promise<void> | undefined;

  constructor(pglite: PGlite, lock: DataDirLock, dataDir: string, log: Logger) {
    this.#pglite = pglite;
    this.#lock = lock;
    this.#dataDir = dataDir;
    this.#log = log;
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    this.#rejectNestedUse("query");
    return this.#mutex.runExclusive(() => runQuery<R>(this.#pglite, text, values));
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#rejectNestedUse("transaction");
    return this.#mutex.runExclusive(() =>
      // PGlite's transaction() sends BEGIN, then COMMIT, or ROLLBACK when `work` throws.
      this.#pglite.transaction((tx) => {
        const queryable: Queryable = {
          query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => runQuery<R>(tx, text, values),
        };
        return this.#inTransaction.run(true, () => work(queryable));
      }),
    );
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }

  close(): Promise<void> {
    // Waits for the running transaction, so a shutdown never cuts one in half.
    this.#closing ??= this.#mutex.runExclusive(async () => {
      await this.#pglite.close();
      await this.#lock.release();
      this.#log.info({ dataDir: this.#dataDir }, "closed PGlite");
    });
    return this.#closing;
  }

  #rejectNestedUse(operation: string): void {
    if (this.#inTransaction.getStore()) {
      throw new Error(`PGlite ${operation} on the database inside a transaction would wait for that transaction forever; use the transaction's handle`);
    }
  }
}

/**
 * Opens (and on first use creates) the PGlite database in `dataDir`, which `variable` names
 * in error messages. The directory is locked against other processes until `close`.
 */
export async function openPglite(dataDir: string, log: Logger, variable = "DATA_DIR"): Promise<Database> {
  const directory = path.resolve(dataDir);
  await mkdir(directory, { recursive: true });
  const lock = await lockDataDir(directory, variable);

  const started = Date.now();
  try {
    const pglite = await PGlite.create({ dataDir: directory, parsers: PG_COMPATIBLE_PARSERS });
    log.info({ dataDir: directory, ms: Date.now() - started }, "opened PGlite");
    return new PgliteDatabase(pglite, lock, directory, log);
  } catch (error) {
    await lock.release();
    throw new Error(`could not open the embedded PGlite database in ${variable}=${directory}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
