import { createGuest } from "../bot.ts";
import { seenRounds } from "../ledger.ts";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, type ChaosStage } from "../stage.ts";
import { startGame, stopAll } from "../cast.ts";
import { sleep } from "../wait.ts";
import { seatBots, waitForRoundsStored, waitForStored } from "./table.ts";

const OUTAGE_MS = 10_000;
/** Maximum response time of a matchmaking request during the outage, in ms. */
const MATCHMAKE_BOUND_MS = 2000;

interface Probe {
  sentAt: number;
  ms: number;
  status: number;
  error: string;
}

/**
 * Scenario 4: Redis stops answering for 10 s (SIGSTOP: sockets stay open, nothing answers, as
 * with a dropped network). Matchmaking answers 503 UNAVAILABLE quickly, connected bots keep
 * playing, rounds that end meanwhile wait in the process (PendingRounds) and reach BullMQ and
 * PostgreSQL once Redis answers again.
 */
export async function redisUnreachable(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "redis_down");
  const game = await startGame("game", space, { RUN_WORKER: "true" });
  const table = await seatBots(game.baseUrl, 4, "Gap");
  const guest = await createGuest(game.baseUrl, "Knocker");
  try {
    await table.waitForRounds(1, 20_000);
    const seqBefore = table.bots.map((bot) => bot.lastSeq);
    stage.redis.pause();
    const downAt = Date.now();
    const probes: Probe[] = [];
    while (Date.now() - downAt < OUTAGE_MS - MATCHMAKE_BOUND_MS) {
      probes.push(await matchmake(game.baseUrl, guest.token));
      await sleep(500);
    }
    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    const seqDuring = table.bots.map((bot) => bot.lastSeq);
    const patchesDuring = await table.patchesSince(downAt);
    stage.redis.resume();
    const upAt = Date.now();

    const seen = seenRounds(table.results());
    const storedAt = await waitForRoundsStored(space, seen, 60_000).catch(() => undefined);
    await table.waitForRounds(1, 30_000);
    await table.leave();
    const audit = await waitForStored(space, table, 60_000);
    const held = game.process.lines("could not queue round; holding it in the process").length;
    const handedOver = game.process.lines("queued a held round").length;
    const inputsApplied = seqDuring.every((seq, index) => seq > seqBefore[index]!);
    const slow = probes.filter((probe) => probe.ms > MATCHMAKE_BOUND_MS || probe.status !== 503 || probe.error !== "UNAVAILABLE");
    const slowest = Math.max(...probes.map((probe) => probe.ms));

    return {
      id: "4",
      scenario: "Redis unreachable for 10 s",
      action: `SIGSTOP to redis-server for ${OUTAGE_MS / 1000} s while 4 bots play; POST /matchmake/joinOrCreate/arena every 0.5 s meanwhile`,
      counted: `${probes.length - slow.length}/${probes.length} matchmaking requests answered 503 UNAVAILABLE within ${MATCHMAKE_BOUND_MS} ms (slowest ${slowest} ms); ${patchesDuring} patches and new inputs applied for ${inputsApplied ? "all" : "not all"} bots during the outage; ${held} rounds held in the process, ${handedOver} handed to BullMQ afterwards; ${audit.rounds.stored}/${audit.rounds.expected} seen rounds stored; ${audit.profiles.players - audit.profiles.behind}/${audit.profiles.players} profiles equal their score rows`,
      loss: audit.rounds.lostRounds + audit.profiles.behind,
      bound: 0,
      unit: "rounds/profiles",
      recoveryMs: storedAt === undefined ? undefined : storedAt - upAt,
      checks: [
        { what: "matchmaking 503 within 2 s", ok: slow.length === 0 && probes.length > 0 },
        { what: "players kept playing", ok: inputsApplied && patchesDuring > 0 },
      ],
    };
  } finally {
    stage.redis.resume();
    await table.leave();
    await stopAll([game.process]);
  }
}

async function matchmake(baseUrl: string, token: string): Promise<Probe> {
  const sentAt = Date.now();
  try {
    const response = await fetch(`${baseUrl}/matchmake/joinOrCreate/arena`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    return { sentAt, ms: Date.now() - sentAt, status: response.status, error: body.error ?? "" };
  } catch (error) {
    return { sentAt, ms: Date.now() - sentAt, status: 0, error: (error as Error).message };
  }
}
