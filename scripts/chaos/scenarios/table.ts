import { Bot, type Guest, type SeenResult } from "../bot.ts";
import { auditProfiles, auditRounds, seenRounds, type ProfileAudit, type RoundAudit } from "../ledger.ts";
import type { ScenarioSpace } from "../stage.ts";
import { waitUntil } from "../wait.ts";

/** Bots playing in one arena of a game node. */
export interface Table {
  bots: Bot[];
  roomId: string;
  /** Every round result any bot saw. */
  results(): SeenResult[];
  /** State patches all bots received after `since`. */
  patchesSince(since: number): Promise<number>;
  /** Waits for `count` more round results than seen so far. */
  waitForRounds(count: number, timeoutMs: number): Promise<void>;
  leave(): Promise<void>;
}

/**
 * Seats `count` bots in one arena on `baseUrl` (the first creates it, the rest join it by id),
 * as new guests or as the given ones.
 */
export async function seatBots(baseUrl: string, count: number, name: string, guests: ReadonlyArray<Guest | undefined> = []): Promise<Table> {
  const first = await Bot.join(baseUrl, `${name}0`, "create", undefined, guests[0]);
  const bots = [first];
  for (let index = 1; index < count; index += 1) bots.push(await Bot.join(baseUrl, `${name}${index}`, "join", first.roomId, guests[index]));
  const results = () => bots.flatMap((bot) => bot.results);
  return {
    bots,
    roomId: first.roomId,
    results,
    async patchesSince(since) {
      return bots.reduce((sum, bot) => sum + bot.patchesSince(since), 0);
    },
    async waitForRounds(count, timeoutMs) {
      const target = seenRounds(results()).length + count;
      await waitUntil(`${count} more rounds`, () => (seenRounds(results()).length >= target ? true : undefined), timeoutMs, 100);
    },
    async leave() {
      await Promise.all(bots.map((bot) => bot.leave()));
    },
  };
}

/** Waits until every round the bots saw is stored and every profile is written behind; returns both audits. */
export async function waitForStored(space: ScenarioSpace, table: Table, timeoutMs: number): Promise<{ rounds: RoundAudit; profiles: ProfileAudit; storedAt: number }> {
  const seen = seenRounds(table.results());
  const players = table.bots.map((bot) => bot.playerId);
  try {
    return await waitUntil("every seen round and profile in PostgreSQL", async () => {
      const rounds = await auditRounds(space.databaseUrl, seen);
      if (rounds.lostRounds > 0) return undefined;
      const profiles = await auditProfiles(space.databaseUrl, space.redisUrl, space.prefix, players);
      return profiles.behind === 0 ? { rounds, profiles, storedAt: Date.now() } : undefined;
    }, timeoutMs, 250);
  } catch {
    const rounds = await auditRounds(space.databaseUrl, seen);
    const profiles = await auditProfiles(space.databaseUrl, space.redisUrl, space.prefix, players);
    return { rounds, profiles, storedAt: Date.now() };
  }
}

/** Waits until the given seen rounds are all stored; returns when that happened. */
export async function waitForRoundsStored(space: ScenarioSpace, seen: readonly SeenResult[], timeoutMs: number): Promise<number> {
  await waitUntil("the seen rounds in PostgreSQL", async () => ((await auditRounds(space.databaseUrl, seen)).lostRounds === 0 ? true : undefined), timeoutMs, 100);
  return Date.now();
}
