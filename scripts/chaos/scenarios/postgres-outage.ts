import { seenRounds } from "../ledger.ts";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, type ChaosStage } from "../stage.ts";
import { startGame, stopAll } from "../cast.ts";
import { sleep } from "../wait.ts";
import { seatBots, waitForRoundsStored, waitForStored } from "./table.ts";

const OUTAGE_MS = 30_000;

/**
 * Scenario 2: PostgreSQL stops for 30 s while four bots play 3-second rounds. Rooms keep
 * running, /healthz answers 503 naming the database, score and flush jobs are parked in the
 * delayed set without using attempts, and after PostgreSQL is back every round and profile
 * change reaches it.
 */
export async function postgresOutage(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "pg_outage");
  const game = await startGame("game", space, { RUN_WORKER: "true", JOB_ATTEMPTS: "3" });
  const table = await seatBots(game.baseUrl, 4, "Pg");
  try {
    await table.waitForRounds(1, 20_000);
    await stage.postgres.stop();
    const downAt = Date.now();
    const health: Array<{ status: number; postgres: string }> = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      health.push(await readHealth(game.baseUrl));
      await sleep(1000);
    }
    const seenBeforeUp = seenRounds(table.results());
    const roundsDuring = seenBeforeUp.filter((round) => round.at > downAt).length;
    const patchesDuring = await table.patchesSince(downAt);
    await stage.postgres.start();
    const upAt = Date.now();

    const storedAt = await waitForRoundsStored(space, seenBeforeUp, 60_000).catch(() => undefined);
    await table.waitForRounds(1, 20_000);
    await table.leave();
    const audit = await waitForStored(space, table, 60_000);
    const parked = game.process.lines("store unreachable; job parked without using an attempt").length;
    const failedForGood = game.process.lines("job failed for good").length;
    const down = health.filter((sample) => sample.status === 503 && sample.postgres === "down").length;

    return {
      id: "2",
      scenario: "PostgreSQL stopped for 30 s",
      action: `pg_ctl stop -m fast for ${OUTAGE_MS / 1000} s while 4 bots play 3 s rounds (JOB_ATTEMPTS=3)`,
      counted: `${audit.rounds.stored}/${audit.rounds.expected} seen rounds stored with the seen scores (${roundsDuring} ended during the outage); ${audit.profiles.players - audit.profiles.behind}/${audit.profiles.players} profiles equal their score rows and cache; /healthz 503 with postgres down in ${down}/${health.length} samples; ${patchesDuring} state patches reached the bots during the outage; ${parked} job runs parked, ${failedForGood} failed for good`,
      loss: audit.rounds.lostRounds + audit.profiles.behind,
      bound: 0,
      unit: "rounds/profiles",
      recoveryMs: storedAt === undefined ? undefined : storedAt - upAt,
      checks: [
        { what: "/healthz 503 during outage", ok: down >= health.length - 2 },
        { what: "rooms kept running", ok: patchesDuring > 0 && roundsDuring > 0 },
        { what: "no job failed for good", ok: failedForGood === 0 },
      ],
    };
  } finally {
    await table.leave();
    await stopAll([game.process]);
  }
}

async function readHealth(baseUrl: string): Promise<{ status: number; postgres: string }> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(4000) });
    const body = (await response.json()) as { postgres?: { status?: string } };
    return { status: response.status, postgres: body.postgres?.status ?? "?" };
  } catch (error) {
    return { status: 0, postgres: (error as Error).message };
  }
}
