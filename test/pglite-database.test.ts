import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataDirBusyError } from "../src/db/data-dir-lock.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite-database.ts";
import { insertPlayer, selectPlayer } from "../src/db/players.ts";
import { insertScores } from "../src/db/scores.ts";
import { createLogger } from "../src/logger.ts";

const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent", "pglite-test");

describe("PGlite database", () => {
  let dataDir: string;
  let db: Database;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "orbit-pglite-test-"));
    db = await openPglite(dataDir, log);
    await migrate(db, log);
  });

  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("applies migrations once", async () => {
    expect(await migrate(db, log)).toEqual([]);
    const versions = await db.query<{ version: number }>("SELECT version FROM schema_migrations");
    expect(versions.rows.map((row) => row.version)).toEqual([1]);
  });

  it("returns bigint columns as strings like node-postgres", async () => {
    await insertPlayer(db, "big", "Big");
    const result = await db.query<{ total_score: unknown; version: unknown }>("SELECT total_score, version FROM players WHERE id = $1", ["big"]);
    expect(result.rows[0]).toEqual({ total_score: "0", version: "0" });
    expect(result.rowCount).toBe(1);
  });

  it("inserts a round's scores once", async () => {
    await insertPlayer(db, "scorer", "Scorer");
    const rows = [{ playerId: "scorer", roomId: "r", roundId: "round-1", score: 4, finishedAt: Date.now() }];
    expect(await insertScores(db, rows)).toBe(1);
    expect(await insertScores(db, rows)).toBe(0);
  });

  it("runs a transaction without interleaving other queries", async () => {
    await insertPlayer(db, "tx", "Before");
    const inside = db.transaction(async (tx) => {
      await tx.query("UPDATE players SET name = 'Half' WHERE id = $1", ["tx"]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.query("UPDATE players SET name = 'After' WHERE id = $1", ["tx"]);
    });
    const outside = selectPlayer(db, "tx");
    await inside;

    expect((await outside)?.name).toBe("After");
  });

  it("rolls back a failed transaction", async () => {
    await insertPlayer(db, "rollback", "Kept");
    const failed = db.transaction(async (tx) => {
      await tx.query("UPDATE players SET name = 'Lost' WHERE id = $1", ["rollback"]);
      throw new Error("abort");
    });
    await expect(failed).rejects.toThrow("abort");
    expect((await selectPlayer(db, "rollback"))?.name).toBe("Kept");
  });

  it("rejects the database handle inside its own transaction", async () => {
    const nested = db.transaction(async () => db.query("SELECT 1"));
    await expect(nested).rejects.toThrow(/inside a transaction/);
    await db.ping();
  });

  it("rejects a second open of one directory", async () => {
    await expect(openPglite(dataDir, log)).rejects.toThrow(DataDirBusyError);
  });

  it("keeps data after close and reopen", async () => {
    await insertPlayer(db, "durable", "Durable");
    await db.close();
    db = await openPglite(dataDir, log);
    expect((await selectPlayer(db, "durable"))?.name).toBe("Durable");
  });
});
