import pg from "pg";

/**
 * Counts database writes of profiles with a trigger on `players`, as test/write-behind.test.ts
 * does, and profile changes from the `version` column, which the cache raises by one per change
 * and the flush copies to the row.
 */
export class WriteCounter {
  readonly #url: string;

  constructor(databaseUrl: string) {
    this.#url = databaseUrl;
  }

  async #query<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.#url });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  }

  /** Installs the counting trigger; the server must have created the schema first. */
  async install(): Promise<void> {
    await this.#query(`
      CREATE TABLE IF NOT EXISTS bench_player_writes (player_id text NOT NULL, version bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
      CREATE OR REPLACE FUNCTION bench_log_player_write() RETURNS trigger AS $$
        BEGIN INSERT INTO bench_player_writes (player_id, version) VALUES (NEW.id, NEW.version); RETURN NEW; END
      $$ LANGUAGE plpgsql;
      DROP TRIGGER IF EXISTS bench_players_write_log ON players;
      CREATE TRIGGER bench_players_write_log AFTER UPDATE ON players FOR EACH ROW EXECUTE FUNCTION bench_log_player_write();
    `);
  }

  /** Writes so far and the sum of stored profile versions (= changes already written behind). */
  async read(): Promise<{ writes: number; versions: number; players: number }> {
    const [row] = await this.#query<{ writes: string; versions: string; players: string }>(
      "SELECT (SELECT count(*) FROM bench_player_writes) AS writes, (SELECT coalesce(sum(version), 0) FROM players) AS versions, (SELECT count(*) FROM players WHERE version > 0) AS players",
    );
    return { writes: Number(row?.writes ?? 0), versions: Number(row?.versions ?? 0), players: Number(row?.players ?? 0) };
  }
}
