/**
 * Every Redis key and channel name Orbit Arena uses, built from one prefix so that several
 * deployments or test runs can share one Redis server. Colyseus's own presence and driver keys
 * cannot be prefixed; give each deployment its own Redis database or server for those.
 */
export interface RedisKeys {
  /** Hash with one cached profile. */
  profile(playerId: string): string;
  /** Sorted set of profiles changed in Redis but not yet written to PostgreSQL, scored by first change time (ms). */
  readonly dirtyProfiles: string;
  /** Set of player ids whose final result of one round was already counted in their profile. */
  roundFinished(roundId: string): string;
  /** Sorted set of player ids by total score. */
  readonly leaderboard: string;
  /** Present once the leaderboard was rebuilt from PostgreSQL. */
  readonly leaderboardReady: string;
  /** Short lock held while one process rebuilds the leaderboard. */
  readonly leaderboardRebuildLock: string;
  /** Hash naming the session that plays for a player, with its epoch; expires unless renewed. */
  sessionOwner(playerId: string): string;
  /** Counter of a player's session epochs (the fencing token). */
  sessionEpoch(playerId: string): string;
  /** Set of a player's epochs whose sessions ended normally; their writes stay accepted. */
  sessionReleased(playerId: string): string;
  /** Hash of a running round's last checkpointed scores: "meta" plus one field per player. */
  roundCheckpoint(roundId: string): string;
  /** Sorted set of running rounds' ids by the time of their last checkpoint (ms). */
  readonly roundCheckpoints: string;
  /** Presence channel on which a node asks the node of a replaced session to close it. */
  readonly sessionReplacedChannel: string;
  /** Presence channel of the cross-node chat. */
  readonly globalChatChannel: string;
  /** Presence channel of server-wide announcements. */
  readonly announcementChannel: string;
  /** BullMQ `prefix` option (BullMQ adds its own ':' after it). */
  readonly bullPrefix: string;
}

export function createRedisKeys(prefix: string): RedisKeys {
  return {
    profile: (playerId) => `${prefix}profile:${playerId}`,
    dirtyProfiles: `${prefix}profiles:dirty`,
    roundFinished: (roundId) => `${prefix}round-finished:${roundId}`,
    leaderboard: `${prefix}leaderboard`,
    leaderboardReady: `${prefix}leaderboard:ready`,
    leaderboardRebuildLock: `${prefix}leaderboard:rebuild-lock`,
    roundCheckpoint: (roundId) => `${prefix}round-checkpoint:${roundId}`,
    roundCheckpoints: `${prefix}round-checkpoints`,
    sessionOwner: (playerId) => `${prefix}session:${playerId}`,
    sessionEpoch: (playerId) => `${prefix}session-epoch:${playerId}`,
    sessionReleased: (playerId) => `${prefix}session-released:${playerId}`,
    sessionReplacedChannel: `${prefix}session-replaced`,
    globalChatChannel: `${prefix}chat:global`,
    announcementChannel: `${prefix}announcements`,
    bullPrefix: `${prefix}bull`,
  };
}
