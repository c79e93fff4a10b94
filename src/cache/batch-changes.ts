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
async function loadMissedPlayers(
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

/** The store-specific steps of `applyWithReloads`. */
export interface BatchSteps {
  playerIdAt: (index: number) => string;
  /** Applies the changes at `indexes`, returning an outcome per index or "miss" for a profile not in the cache. */
  apply: (indexes: readonly number[]) => Promise<Array<ChangeOutcome | "miss">> | Array<ChangeOutcome | "miss">;
  /** Loads a player into the cache and returns the profile, or undefined when the player does not exist. */
  load: (playerId: string) => Promise<unknown>;
  /** Called for each applied change, so its write-behind flush gets scheduled. */
  onApplied: (playerId: string) => void;
}

/**
 * Applies the changes at `pending` and fills `outcomes`. A miss loads the missing profiles from
 * the database and applies only their changes again, up to three passes, which allows for a
 * profile evicted between the load and the retry. Throws when a profile is still missing then.
 */
export async function applyWithReloads(pending: readonly number[], outcomes: Array<ChangeOutcome | undefined>, steps: BatchSteps): Promise<ChangeOutcome[]> {
  let remaining = [...pending];
  for (let attempt = 0; attempt < 3 && remaining.length > 0; attempt += 1) {
    const replies = await steps.apply(remaining);
    const missed: number[] = [];
    replies.forEach((reply, position) => {
      const index = remaining[position]!;
      if (reply === "miss") {
        missed.push(index);
        return;
      }
      outcomes[index] = reply;
      if (reply.status === "applied") steps.onApplied(steps.playerIdAt(index));
    });
    remaining = await loadMissedPlayers(missed, steps.playerIdAt, steps.load, outcomes);
  }
  if (remaining.length > 0) {
    const players = [...new Set(remaining.map(steps.playerIdAt))];
    throw new Error(`profiles ${players.join(", ")} left the cache three times while recording round scores`);
  }
  return outcomes.map((outcome) => outcome!);
}
