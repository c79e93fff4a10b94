import type { ChangeOutcome, PlayerRoundScore } from "./profile-store.ts";

// Steps that both profile stores take for a batch of round score changes.

/** Throws a RangeError naming the first change whose score is not a non-negative integer, before anything is written. */
export function assertValidScores(changes: readonly PlayerRoundScore[]): void {
  for (const { playerId, change } of changes) {
    if (!Number.isInteger(change.score) || change.score < 0) {
      throw new RangeError(`round score of player ${playerId} must be a non-negative integer, got ${change.score}`);
    }
  }
}

/**
 * Loads the players of missed changes (profiles not in the cache) from the database, with at
 * most one read per player, and returns the indexes of the changes to apply again. Changes of
 * players not in the database get the outcome "unknown-player".
 */
export async function loadMissedPlayers(
  missed: readonly number[],
  playerIdAt: (index: number) => string,
  load: (playerId: string) => Promise<unknown>,
  outcomes: Array<ChangeOutcome | undefined>,
): Promise<number[]> {
  if (missed.length === 0) return [];
  const playerIds = [...new Set(missed.map(playerIdAt))];
  const loaded = await Promise.all(playerIds.map(load));
  const unknown = new Set(playerIds.filter((_, position) => loaded[position] === undefined));
  return missed.filter((index) => {
    if (!unknown.has(playerIdAt(index))) return true;
    outcomes[index] = { status: "unknown-player" };
    return false;
  });
}
