import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPlayer, selectPlayer } from "../src/db/players.ts";
import type { Backends } from "../src/server/backends.ts";
import { BACKEND_MODES, openTestBackends } from "./support/backend-modes.ts";
import type { TestEnvironment } from "./support/environment.ts";
import { waitFor } from "./support/wait.ts";

describe.each(BACKEND_MODES)("profile write-behind ($name)", (mode) => {
  let env: TestEnvironment;
  let backends: Backends;

  beforeAll(async () => {
    env = await mode.createEnvironment({ PROFILE_FLUSH_DELAY_MS: "300" });
    backends = await openTestBackends(env);
    await backends.jobs.startWorkers({ db: backends.db, profiles: backends.profiles, log: env.log });
    // Count row updates of `players` with a trigger, so the test sees every database write.
    await backends.db.query(`
      CREATE TABLE player_writes (player_id text NOT NULL, version bigint NOT NULL);
      CREATE FUNCTION log_player_write() RETURNS trigger AS $$
        BEGIN INSERT INTO player_writes VALUES (NEW.id, NEW.version); RETURN NEW; END
      $$ LANGUAGE plpgsql;
      CREATE TRIGGER players_write_log AFTER UPDATE ON players FOR EACH ROW EXECUTE FUNCTION log_player_write();
    `);
  });

  afterAll(async () => {
    await backends?.close();
    await env?.cleanup();
  });

  async function newPlayer(name: string): Promise<string> {
    const playerId = randomUUID();
    await backends.profiles.seed(await insertPlayer(backends.db, playerId, name));
    return playerId;
  }

  async function writesOf(playerId: string): Promise<number> {
    const result = await backends.db.query("SELECT 1 FROM player_writes WHERE player_id = $1", [playerId]);
    return result.rowCount ?? 0;
  }

  it("coalesces a burst of changes into few database writes", async () => {
    const playerId = await newPlayer("Burst");
    const roundId = randomUUID();
    for (let score = 1; score <= 200; score += 1) {
      await backends.profiles.recordRoundScore(playerId, { roundId, score, final: false });
    }

    const stored = await waitFor("the last value in PostgreSQL", async () => {
      const row = await selectPlayer(backends.db, playerId);
      return row?.totalScore === 200 ? row : undefined;
    });
    expect(await writesOf(playerId)).toBeLessThanOrEqual(10);
    expect(stored.version).toBe(200);
  });

  it("never replaces a newer row with an older version", async () => {
    const playerId = await newPlayer("Versioned");
    await backends.db.query("UPDATE players SET total_score = 50, version = 100 WHERE id = $1", [playerId]);
    await backends.profiles.recordRoundScore(playerId, { roundId: randomUUID(), score: 1, final: false });
    await backends.profiles.flush(playerId);

    expect((await selectPlayer(backends.db, playerId))?.totalScore).toBe(50);
  });

  // Only the Redis cache outlives the process that wrote to it. The embedded cache is lost with
  // its process, which the start-up log warns about, so a sweep would have nothing to find.
  it.runIf(mode.name === "external")("flushes a change whose process died before queuing the flush", async () => {
    const playerId = await newPlayer("Crasher");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "test/support/change-then-die.ts",
        env.config.REDIS_URL,
        env.config.REDIS_PREFIX,
        env.config.DATABASE_URL,
        playerId,
        randomUUID(),
        "42",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const [firstOutput] = (await once(child.stdout!, "data")) as [Buffer];
    expect(firstOutput.toString().trim()).toBe("applied");
    child.kill("SIGKILL");
    await once(child, "exit");

    const stored = await waitFor("the sweep to flush the orphaned change", async () => {
      const row = await selectPlayer(backends.db, playerId);
      return row?.totalScore === 42 ? row : undefined;
    });
    expect(stored.totalScore).toBe(42);
  });
});
