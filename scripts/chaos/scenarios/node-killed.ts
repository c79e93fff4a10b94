import { sqlOnce } from "../postgres-cluster.ts";
import { seenRounds } from "../ledger.ts";
import type { ScenarioResult } from "../report.ts";
import { claimSpace, type ChaosStage } from "../stage.ts";
import { startGame, startWorker, stopAll } from "../cast.ts";
import { waitUntil } from "../wait.ts";
import { seatBots, waitForRoundsStored, waitForStored } from "./table.ts";

const ROUND_SECONDS = 6;
/** Rooms copy live scores (and checkpoints) once a second; allow that plus a patch's delay. */
const CHECKPOINT_WINDOW_MS = 1500;

/**
 * Scenario 5: a game node is killed with SIGKILL in the middle of a round. Completed rounds are
 * already in BullMQ and must all reach PostgreSQL; the running round is rebuilt by RoundRecovery
 * from its last checkpoint, so each player loses at most the points of the last checkpoint window.
 */
export async function nodeKilledMidRound(stage: ChaosStage): Promise<ScenarioResult> {
  const space = claimSpace(stage, "node_kill");
  const game = await startGame("game", space, { RUN_WORKER: "false", ROUND_SECONDS: String(ROUND_SECONDS) });
  const worker = await startWorker("worker", space, { ROUND_SECONDS: String(ROUND_SECONDS) });
  const table = await seatBots(game.baseUrl, 3, "Node");
  try {
    await table.waitForRounds(1, 30_000);
    const view = table.bots[0]!.view!;
    const killRound = await waitUntil("the middle of the next round", () => {
      const state = view as unknown as { phase: string; round: number; roundEndsAt: number };
      const left = state.roundEndsAt - Date.now();
      return state.phase === "playing" && left < (ROUND_SECONDS * 1000) / 2 && left > 1000 ? state.round : undefined;
    }, 30_000, 20);
    game.process.child.kill("SIGKILL");
    const killedAt = Date.now();
    for (const bot of table.bots) bot.stopInputs();
    const completed = seenRounds(table.results());
    const lastSeen = table.bots.map((bot) => bot.scoreAt(killedAt));
    const window = table.bots.map((bot, index) => lastSeen[index]! - bot.scoreAt(killedAt - CHECKPOINT_WINDOW_MS));

    await waitForRoundsStored(space, completed, 30_000);
    const recovered = await waitUntil("the recovered round in PostgreSQL", async () => {
      const rows = await sqlOnce<{ player_id: string; score: number; round_id: string }>(
        space.databaseUrl,
        "SELECT player_id, score, round_id FROM scores WHERE room_id = $1",
        [table.roomId],
      );
      const rounds = new Set(rows.map((row) => row.round_id));
      return rounds.size > completed.length ? rows : undefined;
    }, 60_000, 250);
    const recoveredAt = Date.now();
    const completedScores = new Set(completed.flatMap((round) => round.standings.map((entry) => `${entry.playerId}:${entry.score}`)));
    const byRound = new Map<string, Array<{ player_id: string; score: number }>>();
    for (const row of recovered) byRound.set(row.round_id, [...(byRound.get(row.round_id) ?? []), row]);
    // The recovered round is the one whose rows match no completed round.
    const recoveredRows = [...byRound.values()].find((rows) => rows.some((row) => !completedScores.has(`${row.player_id}:${row.score}`))) ?? [...byRound.values()].at(-1)!;
    const lost = table.bots.map((bot, index) => Math.max(0, lastSeen[index]! - (recoveredRows.find((row) => row.player_id === bot.playerId)?.score ?? 0)));
    await table.leave();
    const audit = await waitForStored(space, table, 30_000);
    const lostPoints = lost.reduce((sum, points) => sum + points, 0);
    const boundPoints = window.reduce((sum, points) => sum + points, 0);

    return {
      id: "5",
      scenario: "game node killed mid-round",
      action: `SIGKILL to the game node in round ${killRound}, ${ROUND_SECONDS} s rounds, 3 bots, worker in its own process`,
      counted: `${audit.rounds.stored}/${audit.rounds.expected} completed rounds stored; running round recovered from its checkpoint with ${recoveredRows.length}/3 players, ${lastSeen.reduce((a, b) => a + b, 0)} points on screen at the kill, ${lostPoints} not recovered (bound: points earned in the last ${CHECKPOINT_WINDOW_MS} ms = ${boundPoints}); ${audit.profiles.players - audit.profiles.behind}/${audit.profiles.players} profiles equal their score rows`,
      loss: lostPoints,
      bound: boundPoints,
      unit: "points",
      recoveryMs: recoveredAt - killedAt,
      checks: [
        { what: "completed rounds stored", ok: audit.rounds.lostRounds === 0 },
        { what: "profiles consistent", ok: audit.profiles.behind === 0 },
      ],
    };
  } finally {
    await table.leave();
    await stopAll([game.process, worker]);
  }
}
