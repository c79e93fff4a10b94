import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryProfileStore } from "../src/cache/memory-profile-store.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite-database.ts";
import { insertPlayer } from "../src/db/players.ts";
import { MemoryLeaderboard } from "../src/leaderboard/memory-leaderboard.ts";
import { createLogger } from "../src/logger.ts";

const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent", "leaderboard-test");

describe("memory leaderboard", () => {
  let dataDir: string;
  let db: Database;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "orbit-leaderboard-test-"));
    db = await openPglite(dataDir, log);
    await migrate(db, log);
  });

  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Creates a store and a leaderboard connected as the embedded back ends connect them. */
  function board(): { profiles: MemoryProfileStore; leaderboard: MemoryLeaderboard } {
    const profiles = new MemoryProfileStore({
      db,
      log,
      cacheTtlSeconds: 60, roundMarkerTtlSeconds: 86_400,
      onDirty: () => undefined,
      onTotalScore: (playerId, total) => leaderboard.raise(playerId, total),
      acceptsEpoch: () => true,
    });
    const leaderboard = new MemoryLeaderboard(db, profiles, log);
    return { profiles, leaderboard };
  }

  async function playerWithTotal(name: string, total: number): Promise<string> {
    const playerId = randomUUID();
    await insertPlayer(db, playerId, name);
    await db.query("UPDATE players SET total_score = $2, version = 1 WHERE id = $1", [playerId, total]);
    return playerId;
  }

  it("rebuilds the ranking from the database", async () => {
    const high = await playerWithTotal("High", 900_000);
    const low = await playerWithTotal("Low", 800_000);
    const { leaderboard } = board();

    expect(await leaderboard.top(2)).toEqual([
      { rank: 1, playerId: high, name: "High", totalScore: 900_000 },
      { rank: 2, playerId: low, name: "Low", totalScore: 800_000 },
    ]);
  });

  it("orders equal totals by id descending like Redis", async () => {
    const first = await playerWithTotal("TieA", 950_000);
    const second = await playerWithTotal("TieB", 950_000);
    const { leaderboard } = board();

    const ids = (await leaderboard.top(2)).map((entry) => entry.playerId);
    expect(ids).toEqual([first, second].sort().reverse());
  });

  it("shows live changes before they are flushed", async () => {
    const { profiles, leaderboard } = board();
    await leaderboard.rebuild();
    const playerId = randomUUID();
    await profiles.seed(await insertPlayer(db, playerId, "Live"));
    await profiles.recordRoundScore(playerId, { roundId: randomUUID(), score: 2_000_000, final: false });

    expect((await leaderboard.top(1))[0]).toEqual({ rank: 1, playerId, name: "Live", totalScore: 2_000_000 });
  });

  it("never lowers a total", async () => {
    const { leaderboard } = board();
    await leaderboard.rebuild();
    leaderboard.raise("p", 10);
    leaderboard.raise("p", 4);

    const entries = await leaderboard.top(100);
    expect(entries.find((entry) => entry.playerId === "p")?.totalScore).toBe(10);
  });
});
