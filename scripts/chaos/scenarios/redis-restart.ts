import { Bot } from "../bot.ts";
import { seenRounds } from "../ledger.ts";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, type ChaosStage } from "../stage.ts";
import { startGame, startWorker, stopAll } from "../cast.ts";
import { sleep, waitUntil } from "../wait.ts";

const DOWN_MS = 3000;
import { seatBots, waitForStored } from "./table.ts";

/**
 * Scenario 3: Redis is killed (SIGKILL, no final fsync) and started again from its AOF while
 * bots play on a game node with a separate worker. Rooms keep simulating, presence and BullMQ
 * reconnect, the worker consumes again (the watchdog recreates it if it does not), and every
 * round acknowledged before the kill is stored.
 */
export async function redisRestart(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "redis_restart");
  const game = await startGame("game", space, { RUN_WORKER: "false" });
  const worker = await startWorker("worker", space, { JOB_WATCHDOG_MS: "5000" });
  const table = await seatBots(game.baseUrl, 4, "Aof");
  let newcomer: Bot | undefined;
  try {
    await table.waitForRounds(1, 20_000);
    const ackedBefore = seenRounds(table.results()).length;
    const downAt = Date.now();
    await stage.redis.kill();
    // Down long enough that every client notices and reconnects, as a real restart takes.
    await sleep(DOWN_MS);
    await stage.redis.start();
    const upAt = Date.now();

    newcomer = await waitUntil("a matchmaking join after the restart", async () => {
      try {
        return await Bot.join(game.baseUrl, "Newcomer", "joinOrCreate");
      } catch {
        return undefined;
      }
    }, 30_000, 250);
    const joinedMs = Date.now() - upAt;
    const resumed = await waitUntil("the worker to persist a round after the restart", () => {
      return worker.lines("persisted round scores").find((line) => Number(line.time) > upAt);
    }, 60_000, 100);
    await table.waitForRounds(2, 30_000);
    const patchesAround = await table.patchesSince(downAt);
    await table.leave();
    await newcomer.leave();
    const audit = await waitForStored(space, table, 60_000);
    const recreated = worker.lines("job worker recreated").length;

    return {
      id: "3",
      scenario: "Redis restarted (AOF)",
      action: `SIGKILL to redis-server (appendfsync everysec) and restart from the AOF (${upAt - downAt} ms down) while 4 bots play; worker in its own process`,
      counted: `${ackedBefore} rounds acknowledged before the kill, ${audit.rounds.stored}/${audit.rounds.expected} seen rounds stored; ${audit.profiles.players - audit.profiles.behind}/${audit.profiles.players} profiles equal their score rows; new join through matchmaking ${(joinedMs / 1000).toFixed(1)} s after the restart; ${patchesAround} patches reached the bots since the kill; watchdog recreated ${recreated} worker(s)`,
      loss: audit.rounds.lostRounds + audit.profiles.behind,
      bound: 0,
      unit: "rounds/profiles",
      recoveryMs: Number(resumed.time) - upAt,
      checks: [
        { what: "rooms kept simulating", ok: patchesAround > 0 },
        { what: "matchmaking back", ok: newcomer !== undefined },
      ],
    };
  } finally {
    await newcomer?.leave();
    await table.leave();
    await stopAll([game.process, worker]);
  }
}
