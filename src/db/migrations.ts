/**
 * Versioned schema migrations, applied in order and recorded in `schema_migrations`.
 * Never edit a migration that has shipped: add a new one with the next version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "players and scores",
    sql: `
      CREATE TABLE players (
        id               text PRIMARY KEY,
        name             text NOT NULL,
        total_score      bigint NOT NULL DEFAULT 0 CHECK (total_score >= 0),
        games_played     integer NOT NULL DEFAULT 0 CHECK (games_played >= 0),
        best_round_score integer NOT NULL DEFAULT 0 CHECK (best_round_score >= 0),
        version          bigint NOT NULL DEFAULT 0,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX players_total_score_idx ON players (total_score DESC, id);

      CREATE TABLE scores (
        player_id   text NOT NULL REFERENCES players (id),
        room_id     text NOT NULL,
        round_id    text NOT NULL,
        score       integer NOT NULL CHECK (score >= 0),
        finished_at timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (player_id, room_id, round_id)
      );
      CREATE INDEX scores_finished_at_idx ON scores (finished_at);
    `,
  },
];
