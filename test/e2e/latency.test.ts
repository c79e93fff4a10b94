/**
 * Game feel under 100 ms of round-trip latency (Colyseus's COLYSEUS_LATENCY): the own player,
 * drawn from client-side prediction, moves without jumps when keys change, and another player,
 * drawn from interpolated server states, moves in every frame rather than in 20 Hz steps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "./support/bot.ts";
import { launchBrowser, type Browser } from "./support/browser.ts";
import { largestCorrection, measureMotion, medianFrameInterval } from "./support/frame-analysis.ts";
import { GamePage } from "./support/game-page.ts";
import { startGameServer, type GameServer } from "./support/game-server.ts";
import { waitFor } from "../support/wait.ts";

const LATENCY_MS = 100;
/**
 * Largest distance beyond top speed the own player may be drawn to move between two frames.
 * One input step is 16 units, and a prediction that needs no correction stays far below that.
 */
const OWN_JUMP_LIMIT = 4;
/** The same for the other player, whose interpolation may run a little ahead after a late patch. */
const OTHER_JUMP_LIMIT = 8;
/** Largest difference between prediction and server (after replaying unacknowledged inputs). */
const CORRECTION_LIMIT = 2;

describe("movement under 100 ms latency", () => {
  let server: GameServer;
  let browser: Browser;
  let bot: Bot;

  beforeAll(async () => {
    server = await startGameServer({ ROUND_SECONDS: "120", COLYSEUS_LATENCY: String(LATENCY_MS) });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await bot?.leave();
    await browser?.close();
    await server?.dispose();
  });

  it("keeps the own player smooth and another player interpolated", async () => {
    const game = new GamePage(browser.page, server.baseUrl);
    await game.open();
    await game.join("Laggy");
    bot = await Bot.join(server.baseUrl, "Runner");
    await browser.page.waitForFunction(() => window.orbitDebug?.()?.others.some((other) => other.drawn !== null), undefined, { timeout: 5000 });

    // The ping indicator shows the added latency.
    await browser.page.waitForFunction(
      (minimum) => Number.parseInt(document.querySelector("#hud-ping-value")?.textContent ?? "", 10) >= minimum,
      LATENCY_MS,
      { timeout: 5000 },
    );

    // Toward the far side of the field, so the bot does not stop at an edge during the trace.
    const botStart = await waitFor("the bot's first state", () => bot.position());
    bot.move(botStart.x < 1000 ? 1 : -1, 0);
    const start = (await game.debug()).predicted;
    const [forward, back] = start.x < 1000 ? (["ArrowRight", "ArrowLeft"] as const) : (["ArrowLeft", "ArrowRight"] as const);

    await game.startTrace();
    // Run one way, turn, and run back: turns are where a wrong prediction would show.
    await browser.page.keyboard.down(forward);
    await game.waitUntilMoved(start, 250);
    await browser.page.keyboard.up(forward);
    const turn = (await game.debug()).predicted;
    await browser.page.keyboard.down(back);
    await game.waitUntilMoved(turn, 250);
    await browser.page.keyboard.up(back);
    // Let the last inputs come back from the server, so their correction is in the trace.
    await browser.page.waitForFunction(() => window.orbitDebug?.()?.pendingInputs === 0, undefined, { timeout: 5000 });
    const frames = await game.stopTrace();
    bot.stop();
    await game.screenshot("latency-100ms-desktop-en");

    const own = measureMotion(frames, (frame) => frame.self);
    const otherKey = Object.keys(frames.at(-1)?.others ?? {})[0] ?? "";
    const other = measureMotion(frames, (frame) => frame.others[otherKey]);
    const report = { frameMs: medianFrameInterval(frames), own, other, correction: largestCorrection(frames) };
    console.info("latency trace:", JSON.stringify(report));

    expect(own.pairs).toBeGreaterThan(30);
    expect(own.largestJump).toBeLessThanOrEqual(OWN_JUMP_LIMIT);
    expect(report.correction).toBeLessThanOrEqual(CORRECTION_LIMIT);
    expect(other.pairs).toBeGreaterThan(30);
    expect(other.largestJump).toBeLessThanOrEqual(OTHER_JUMP_LIMIT);
    // Drawn from 20 Hz patches alone, the other player would change position in about a third
    // of the frames at 60 frames per second. Interpolation moves it in most frames.
    expect(other.movingShare).toBeGreaterThan(0.7);
  });
});
