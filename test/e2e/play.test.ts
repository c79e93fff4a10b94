/**
 * The first minutes of a visitor: open the page, join with a name, move, collect an orb, see
 * another player move and chat with them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Bot } from "./support/bot.ts";
import { launchBrowser, type Browser } from "./support/browser.ts";
import { GamePage } from "./support/game-page.ts";
import { startGameServer, type GameServer } from "./support/game-server.ts";
import { collectAnOrb } from "./support/steering.ts";

describe("playing in the browser", () => {
  let server: GameServer;
  let browser: Browser;
  let game: GamePage;

  beforeAll(async () => {
    // Long rounds, so no round ends while a test is steering.
    server = await startGameServer({ ROUND_SECONDS: "120", RESULTS_SECONDS: "3" });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  beforeEach(async () => {
    browser = await launchBrowser();
    game = new GamePage(browser.page, server.baseUrl);
    await game.open();
  });

  afterEach(async () => {
    await browser?.close();
  });

  it("lets a visitor enter a name and join the arena", async () => {
    const page = browser.page;
    await page.getByRole("heading", { name: "Join the arena" }).waitFor();
    await page.getByLabel("Your name").fill("Nova");
    await game.screenshot("join-desktop-en");
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.getByRole("heading", { name: "Choose an arena" }).waitFor();
    await page.getByRole("button", { name: "Quick play" }).click();

    await game.waitUntilPlaying();
    expect(await game.connection.textContent()).toBe("Connected");
    expect(await page.locator("#join").isHidden()).toBe(true);
    expect(await game.score.textContent()).toBe("0");
    expect(await page.locator("#hud-players").textContent()).toBe("1");
    // The game field has keyboard focus, so the arrow keys work without a click.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("game");
    await page.locator('#hud-ping[data-quality="good"]').waitFor({ timeout: 5000 });
    await game.screenshot("playing-desktop-en");
  });

  it("moves the player with the keyboard", async () => {
    await game.join("Mover");
    const start = (await game.debug()).predicted;
    const direction = start.x < 1000 ? "ArrowRight" : "ArrowLeft";

    await browser.page.keyboard.down(direction);
    await game.waitUntilMoved(start, 100);
    await browser.page.keyboard.up(direction);

    // The server agrees: its position, not only the prediction, moved the same way.
    await browser.page.waitForFunction(
      ({ startX, sign }) => {
        const server = window.orbitDebug?.()?.server;
        return server != null && Math.sign(server.x - startX) === sign && Math.abs(server.x - startX) >= 100;
      },
      { startX: start.x, sign: direction === "ArrowRight" ? 1 : -1 },
      { timeout: 5000 },
    );
    const end = await game.debug();
    expect(Math.abs(end.predicted.y - start.y)).toBeLessThan(1);
  });

  it("raises the score when the player collects an orb", async () => {
    await game.join("Collector");
    const score = await collectAnOrb(game, 0);
    expect(score).toBeGreaterThan(0);
    expect(await game.scoreValue()).toBe(score);
  });

  it("shows a second player and their movement", async () => {
    await game.join("Watcher");
    const bot = await Bot.join(server.baseUrl, "Robo");
    try {
      // Players of earlier tests may still hold their seats (closing a tab keeps the seat for a
      // while), so the bot is found by name rather than by the player count.
      const drawnBot = () => browser.page.evaluate(() => window.orbitDebug?.()?.others.find((other) => other.name === "Robo")?.drawn ?? null);
      await browser.page.waitForFunction(() => window.orbitDebug?.()?.others.some((other) => other.name === "Robo" && other.drawn !== null), undefined, {
        timeout: 5000,
      });
      const before = await drawnBot();
      if (before === null) throw new Error("the bot is not drawn");
      expect(Number(await browser.page.locator("#hud-players").textContent())).toBeGreaterThanOrEqual(2);

      bot.move(before.x < 1000 ? 1 : -1, 0);
      await browser.page.waitForFunction(
        (origin) => {
          const drawn = window.orbitDebug?.()?.others.find((other) => other.name === "Robo")?.drawn;
          return drawn != null && Math.abs(drawn.x - origin.x) >= 80;
        },
        before,
        { timeout: 5000 },
      );
      bot.stop();
      const after = await drawnBot();
      expect(Math.abs((after?.y ?? 0) - before.y)).toBeLessThan(1);
      await game.screenshot("second-player-desktop-en");
    } finally {
      await bot.leave();
    }
    await browser.page.waitForFunction(() => !window.orbitDebug?.()?.others.some((other) => other.name === "Robo"), undefined, { timeout: 5000 });
  });

  it("sends a chat message and shows the replies", async () => {
    await game.join("Talker");
    const bot = await Bot.join(server.baseUrl, "Echo");
    try {
      const page = browser.page;
      // Enter opens the chat from the game field, Enter again sends, and focus returns to the game.
      await page.locator("#game").press("Enter");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("chat-input");
      await page.keyboard.type("hello arena");
      await page.keyboard.press("Enter");
      await game.chatLog.getByText("hello arena").waitFor({ timeout: 5000 });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("game");
      const ownEntry = game.chatLog.locator(".chat-entry.own");
      expect(await ownEntry.locator(".chat-name").textContent()).toBe("Talker");

      bot.say("hi Talker");
      await game.chatLog.getByText("hi Talker").waitFor({ timeout: 5000 });
      await game.screenshot("chat-desktop-en");
    } finally {
      await bot.leave();
    }
  });
});
