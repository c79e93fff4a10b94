import { schema, t, type SchemaType } from "@colyseus/schema";

/** A player seated in the arena; keyed by Colyseus session id in `ArenaState.players`. */
export const PlayerState = schema(
  {
    playerId: t.string().default(""),
    name: t.string().default(""),
    x: t.float32().default(0),
    y: t.float32().default(0),
    /** Points collected in the current round. */
    score: t.uint32().default(0),
    /** Sequence number of the last input the server applied, for client reconciliation. */
    lastSeq: t.uint32().default(0),
    /** False while the player's connection is lost and the seat is held for reconnection. */
    connected: t.boolean().default(false),
  },
  "PlayerState",
);
export type PlayerState = SchemaType<typeof PlayerState>;

/** A collectible orb; keyed by orb id in `ArenaState.orbs`. */
export const OrbState = schema(
  {
    x: t.float32().default(0),
    y: t.float32().default(0),
    value: t.uint8().default(0),
  },
  "OrbState",
);
export type OrbState = SchemaType<typeof OrbState>;

/** The full synchronised state of one arena room. */
export const ArenaState = schema(
  {
    players: t.map(PlayerState),
    orbs: t.map(OrbState),
    /** "playing" while a round runs, "results" during the pause before the next round. */
    phase: t.string().default("playing"),
    /** Round counter of this room, starting at 1. */
    round: t.uint32().default(0),
    /** Epoch milliseconds at which the current round ends. */
    roundEndsAt: t.float64().default(0),
    /** Epoch milliseconds at which the results phase ends and the next round starts. */
    nextRoundAt: t.float64().default(0),
    /** Players connected to any arena of the cluster, refreshed every few seconds. */
    online: t.uint32().default(0),
  },
  "ArenaState",
);
export type ArenaState = SchemaType<typeof ArenaState>;
