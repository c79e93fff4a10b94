import {
  OWNERSHIP_TTL_MS,
  type ClaimResult,
  type EpochStamp,
  type SessionOwner,
  type SessionRegistry,
} from "./session-registry.ts";

interface PlayerSessions {
  epoch: number;
  owner?: SessionOwner;
  ownerExpiresAt: number;
  released: Set<number>;
}

/**
 * Session ownership for a single process, with the same fencing rule as the Redis registry.
 * NOTE: released epochs are kept for the life of the process, while the Redis registry expires
 * them after two weeks. Each join adds one small entry, so memory grows with the joins of a run.
 */
export class LocalSessionRegistry implements SessionRegistry {
  readonly #players = new Map<string, PlayerSessions>();

  async claim(owner: Omit<SessionOwner, "epoch">): Promise<ClaimResult> {
    const now = Date.now();
    const sessions = this.#sessionsOf(owner.playerId);
    const previous = sessions.owner && sessions.ownerExpiresAt > now ? sessions.owner : undefined;

    sessions.epoch += 1;
    sessions.owner = { ...owner, epoch: sessions.epoch };
    sessions.ownerExpiresAt = now + OWNERSHIP_TTL_MS;
    if (previous && previous.sessionId !== owner.sessionId) return { epoch: sessions.epoch, replaced: previous };
    return { epoch: sessions.epoch };
  }

  async release(playerId: string, sessionId: string, epoch: number): Promise<void> {
    const sessions = this.#sessionsOf(playerId);
    sessions.released.add(epoch);
    if (sessions.owner?.sessionId === sessionId) sessions.owner = undefined;
  }

  async renew(owners: readonly SessionOwner[]): Promise<SessionOwner[]> {
    const now = Date.now();
    const lost: SessionOwner[] = [];
    for (const owner of owners) {
      const sessions = this.#sessionsOf(owner.playerId);
      if (sessions.owner?.sessionId === owner.sessionId) {
        sessions.ownerExpiresAt = now + OWNERSHIP_TTL_MS;
      } else {
        lost.push(owner);
      }
    }
    return lost;
  }

  async accepts(stamps: readonly EpochStamp[]): Promise<boolean[]> {
    return stamps.map((stamp) => this.acceptsNow(stamp.playerId, stamp.epoch));
  }

  /** Synchronous form of `accepts` for one stamp, for stores in the same process. */
  acceptsNow(playerId: string, epoch: number): boolean {
    const sessions = this.#players.get(playerId);
    if (!sessions) return false;
    return sessions.epoch === epoch || sessions.released.has(epoch);
  }

  async close(): Promise<void> {
    this.#players.clear();
  }

  #sessionsOf(playerId: string): PlayerSessions {
    let sessions = this.#players.get(playerId);
    if (!sessions) {
      sessions = { epoch: 0, ownerExpiresAt: 0, released: new Set() };
      this.#players.set(playerId, sessions);
    }
    return sessions;
  }
}
