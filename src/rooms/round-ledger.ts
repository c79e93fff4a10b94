import type { PlayerResult, RoundResult } from "../jobs/round-result.ts";

interface LedgerEntry {
  name: string;
  score: number;
  /** Fencing epoch of the player's latest session in this room. */
  epoch: number;
  /** Score last copied into the profile cache. */
  synced: number;
}

/**
 * Scores of the running round by player id. A player who leaves keeps their entry, so their
 * points still count when the round ends; a player who comes back continues from it.
 */
export class RoundLedger {
  readonly #entries = new Map<string, LedgerEntry>();

  enter(playerId: string, name: string): number {
    const entry = this.#entries.get(playerId);
    if (entry) return entry.score;
    this.#entries.set(playerId, { name, score: 0, synced: 0, epoch: 0 });
    return 0;
  }

  setEpoch(playerId: string, epoch: number): void {
    const entry = this.#entries.get(playerId);
    if (entry) entry.epoch = epoch;
  }

  add(playerId: string, points: number): number {
    const entry = this.#entries.get(playerId);
    if (!entry) return 0;
    entry.score += points;
    return entry.score;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Players whose score changed since the last sync, with the score to record. */
  unsynced(): Array<{ playerId: string; name: string; score: number; epoch: number }> {
    const changed: Array<{ playerId: string; name: string; score: number; epoch: number }> = [];
    for (const [playerId, entry] of this.#entries) {
      if (entry.score !== entry.synced) changed.push({ playerId, name: entry.name, score: entry.score, epoch: entry.epoch });
    }
    return changed;
  }

  markSynced(playerId: string, score: number): void {
    const entry = this.#entries.get(playerId);
    if (entry && score > entry.synced) entry.synced = score;
  }

  results(): PlayerResult[] {
    return [...this.#entries].map(([playerId, entry]) => ({ playerId, name: entry.name, score: entry.score, epoch: entry.epoch }));
  }

  toRoundResult(roomId: string, roundId: string, round: number, finishedAt: number): RoundResult {
    return { roomId, roundId, round, finishedAt, results: this.results() };
  }
}
