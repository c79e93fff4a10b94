/**
 * A server restart while playing: the page says the server is restarting, waits, and joins
 * again by itself as the same player once the server is back on the same port.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type Browser } from "./support/browser.ts";
import { GamePage } from "./support/game-page.ts";
import { startGameServer, type GameServer } from "./support/game-server.ts";

describe("server restart", () => {
  let server: GameServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startGameServer({ ROUND_SECONDS: "120" });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it("reconnects on its own after the server restarts", async () => {
    const game = new GamePage(browser.page, server.baseUrl);
    await game.open();
    await game.join("Survivor");
    const before = await game.debug();

    // SIGTERM, as a process manager sends it. The server closes its rooms with SERVER_RESTARTING.
    const stopped = server.process.stop();
    await game.banner.filter({ hasText: "The server is restarting" }).waitFor({ timeout: 10_000 });
    expect(await game.connection.textContent()).toBe("Reconnecting");
    await game.screenshot("restarting-desktop-en");
    await stopped;

    await server.process.start();
    await game.waitUntilPlaying(30_000);
    await game.banner.waitFor({ state: "hidden", timeout: 5000 });
    expect(await game.statusCard.isHidden()).toBe(true);
    const after = await game.debug();
    // Same guest (the token outlived the restart), new room session.
    expect(after.ownPlayerId).toBe(before.ownPlayerId);
    expect(await game.connection.textContent()).toBe("Connected");

    // And the game works again: the player moves.
    await browser.page.locator("#game").focus();
    const key = after.predicted.x < 1000 ? "ArrowRight" : "ArrowLeft";
    await browser.page.keyboard.down(key);
    await game.waitUntilMoved(after.predicted, 50);
    await browser.page.keyboard.up(key);
  });
});
