/** The session that currently plays for a player, and its fencing epoch. */
export interface SessionOwner {
  playerId: string;
  nodeId: string;
  roomId: string;
  sessionId: string;
  /** Increases with every claim of the player; writes carrying an older, fenced epoch are rejected. */
  epoch: number;
}

export interface ClaimResult {
  epoch: number;
  /** The session this claim took over, when another one was still live. */
  replaced?: SessionOwner;
}

/** A write's player and the epoch of the session that produced it. */
export interface EpochStamp {
  playerId: string;
  epoch: number;
}

/**
 * One session per player across the cluster. A join claims the player and gets a new epoch;
 * a claim while another session is live takes over, and that session must be closed.
 *
 * Fencing rule: a write stamped with epoch e is accepted when e is the player's current epoch,
 * or when the session of epoch e ended by an explicit release (a normal leave). Epochs whose
 * session was taken over, or whose node stopped renewing, are fenced, so a paused or partitioned
 * node cannot write after another session took its place.
 */
export interface SessionRegistry {
  claim(owner: Omit<SessionOwner, "epoch">): Promise<ClaimResult>;

  /** Ends a session normally; its epoch stays accepted for the writes it already produced. */
  release(playerId: string, sessionId: string, epoch: number): Promise<void>;

  /** Extends ownership of live sessions; returns those that are no longer the owner. */
  renew(owners: readonly SessionOwner[]): Promise<SessionOwner[]>;

  /** Returns, for each stamp, whether a write carrying it is accepted. */
  accepts(stamps: readonly EpochStamp[]): Promise<boolean[]>;

  close(): Promise<void>;
}

/** How long a node's ownership lasts without renewal; a killed node's players are free after it. */
export const OWNERSHIP_TTL_MS = 15_000;

/** Interval at which rooms renew the ownership of their sessions. */
export const OWNERSHIP_RENEW_MS = 5_000;

/** How long released epochs stay accepted; longer than any job retry. */
export const RELEASED_EPOCH_TTL_SECONDS = 14 * 24 * 3600;
