/**
 * A whole round as a player sees it: a countdown from the server's clock, the results overlay
 * when time is up, the all-time leaderboard updated with the round, and the next round.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RARE_ORB_VALUE } from "../../src/rooms/rules/constants.ts";
import { launchBrowser, PHONE, type Browser } from "./support/browser.ts";
import { GamePage } from "./support/game-page.ts";
import { startGameServer, type GameServer } from "./support/game-server.ts";
import { collectAnOrb } from "./support/steering.ts";

const ROUND_SECONDS = 8;
const RESULTS_SECONDS = 4;
/** The browser's clock runs this far ahead of the server's, as on a badly set device. */
const CLOCK_SKEW_MS = 3_600_000;

describe("round end and leaderboard", () => {
  let server: GameServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    server = await startGameServer({ ROUND_SECONDS: String(ROUND_SECONDS), RESULTS_SECONDS: String(RESULTS_SECONDS) });
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("shows the results when time is up and adds the round to the leaderboard", async () => {
    browser = await launchBrowser();
    const page = browser.page;
    // Without the server clock from the welcome message, this skew would show 0:00 all round.
    await page.addInitScript((skew) => {
      const realNow = Date.now.bind(Date);
      Date.now = () => realNow() + skew;
    }, CLOCK_SKEW_MS);
    const game = new GamePage(page, server.baseUrl);
    await game.open();
    await game.join("Champion");
    await page.waitForFunction(() => window.orbitDebug?.()?.clockOffset !== 0, undefined, { timeout: 5000 });
    const timer = await page.locator("#hud-timer").textContent();
    expect(timer).toMatch(/^0:0[1-8]$/);

    await collectAnOrb(game, 0);
    const results = game.results;
    await results.waitFor({ state: "visible", timeout: (ROUND_SECONDS + 2) * 1000 });
    const heading = await page.locator("#results-heading").textContent();
    expect(heading).toMatch(/^Round \d+ results$/);
    const ownRow = results.locator(".results-row.own");
    expect(await ownRow.locator(".name").textContent()).toBe("Champion");
    const points = Number.parseInt((await ownRow.locator(".points").textContent()) ?? "", 10);
    expect(points).toBeGreaterThan(0);
    expect(await page.locator("#hud-timer-label").textContent()).toBe("Next round in");
    await game.screenshot("results-desktop-en");

    // The job queue stores the round, then the panel refreshes: the player appears with the points.
    const ownEntry = page.locator("#leaderboard-list .leaderboard-entry.own");
    await ownEntry.filter({ hasText: "Champion" }).waitFor({ timeout: 10_000 });
    expect(Number(await ownEntry.locator(".points").textContent())).toBe(points);
    await game.screenshot("leaderboard-desktop-en");

    // The next round starts with an empty score and the overlay gone. An orb can spawn under the
    // idle player and be collected in the first tick (an estimated 3 % of round starts: 48 orbs,
    // 28 units pickup reach, a 2000 x 2000 field), so one orb may count.
    await results.waitFor({ state: "hidden", timeout: (RESULTS_SECONDS + 2) * 1000 });
    expect(Number(await game.score.textContent())).toBeLessThanOrEqual(RARE_ORB_VALUE);
    expect(await page.locator("#hud-timer-label").textContent()).toBe("Time left");
  });

  it("shows the results in Chinese on a phone", async () => {
    browser = await launchBrowser({ ...PHONE, locale: "zh-CN", mobile: true });
    const page = browser.page;
    const game = new GamePage(page, server.baseUrl);
    await game.open();
    await game.join("小明");
    await collectAnOrb(game, 0);
    await game.results.waitFor({ state: "visible", timeout: (ROUND_SECONDS + RESULTS_SECONDS + 2) * 1000 });
    expect(await page.locator("#results-heading").textContent()).toMatch(/^第 \d+ 回合结果$/);
    expect(await game.results.locator(".results-row.own .points").textContent()).toMatch(/^\d+ 分$/);
    expect(await page.locator("#results-next").textContent()).toMatch(/^下一回合将在 \d+ 秒后开始$/);
    await game.screenshot("results-phone-zh");
  });
});
