/**
 * What the page says when the connection goes wrong, and that each state offers a way back:
 * a second tab taking over the session, being kicked for flooding, a dropped connection, an
 * unusable stored token, a full arena and a rate-limited chat.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type Browser } from "./support/browser.ts";
import { GamePage } from "./support/game-page.ts";
import { startGameServer, type GameServer } from "./support/game-server.ts";
import { FlakyNetwork } from "./support/flaky-network.ts";

/** The SDK reconnects only rooms joined at least this long ago (Colyseus's reconnection.minUptime). */
const SDK_MIN_UPTIME_MS = 5000;

describe("connection states", () => {
  let server: GameServer;
  let browser: Browser | undefined;
  let network: FlakyNetwork | undefined;

  beforeAll(async () => {
    server = await startGameServer({ ROUND_SECONDS: "120" });
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await network?.close();
    network = undefined;
  });

  afterAll(async () => {
    await server?.dispose();
  });

  async function joinedGame(name: string): Promise<GamePage> {
    browser = await launchBrowser();
    const game = new GamePage(browser.page, server.baseUrl);
    await game.open();
    await game.join(name);
    return game;
  }

  it("tells the first tab that a second tab took over, and lets it take the seat back", async () => {
    const first = await joinedGame("Twin");
    // A second tab shares the stored guest, so it joins as the same player.
    const second = new GamePage(await first.page.context().newPage(), server.baseUrl);
    await second.page.goto(`${server.baseUrl}/?debug`);
    await second.join("Twin");

    const card = first.statusCard;
    await card.getByText("You joined from another tab or device").waitFor({ timeout: 5000 });
    expect(await first.connection.textContent()).toBe("Offline");
    const playHere = card.getByRole("button", { name: "Play here" });
    // The first action has keyboard focus, so Enter takes the seat back.
    expect(await playHere.evaluate((button) => button === document.activeElement)).toBe(true);
    await first.screenshot("session-replaced-desktop-en");

    await playHere.press("Enter");
    await first.waitUntilPlaying();
    await second.statusCard.getByText("You joined from another tab or device").waitFor({ timeout: 5000 });
  });

  it("explains a kick for flooding and joins again on request", async () => {
    browser = await launchBrowser();
    network = await FlakyNetwork.start(server.baseUrl);
    const game = new GamePage(browser.page, network.baseUrl);
    await game.open();
    await game.join("Flooder");

    // Far more frames than the budget of 120 in a burst.
    network.flood(400);
    await game.statusCard.getByText("This client sent too many messages").waitFor({ timeout: 5000 });
    await game.screenshot("flooding-desktop-en");

    await game.statusCard.getByRole("button", { name: "Try again" }).click();
    await game.waitUntilPlaying();
  });

  it("shows that it is reconnecting after a dropped connection and plays again", async () => {
    browser = await launchBrowser();
    network = await FlakyNetwork.start(server.baseUrl);
    const game = new GamePage(browser.page, network.baseUrl);
    await game.open();
    await game.join("Commuter");
    const before = await game.debug();
    await browser.page.waitForFunction((uptime) => performance.now() > uptime, (await browser.page.evaluate(() => performance.now())) + SDK_MIN_UPTIME_MS, {
      timeout: SDK_MIN_UPTIME_MS + 2000,
    });

    network.dropConnections();
    await game.banner.filter({ hasText: "Connection lost. Reconnecting" }).waitFor({ timeout: 5000 });
    expect(await game.connection.textContent()).toBe("Reconnecting");
    await game.screenshot("reconnecting-desktop-en");

    await game.page.locator('#hud-connection[data-state="online"]').waitFor({ timeout: 15_000 });
    await game.banner.waitFor({ state: "hidden" });
    const after = await game.debug();
    expect(after.ownPlayerId).toBe(before.ownPlayerId);
    expect(before.roomId).not.toBe("");
    expect(after.roomId).toBe(before.roomId);

    // The game works again: the player moves.
    await game.page.locator("#game").focus();
    const key = after.predicted.x < 1000 ? "ArrowRight" : "ArrowLeft";
    await game.page.keyboard.down(key);
    await game.waitUntilMoved(after.predicted, 50);
    await game.page.keyboard.up(key);
  });

  it("becomes a new guest when the stored token is no longer valid", async () => {
    browser = await launchBrowser();
    const game = new GamePage(browser.page, server.baseUrl);
    await browser.page.addInitScript(() => {
      const stale = { playerId: "00000000-0000-0000-0000-000000000000", token: "not-a-valid-token", name: "Ghost" };
      localStorage.setItem("orbit-arena.guest", JSON.stringify(stale));
    });
    await game.open();
    // The form offers the stored name, and joining with it quietly replaces the rejected token.
    expect(await game.nameInput.inputValue()).toBe("Ghost");
    await game.nameInput.press("Enter");
    await game.quickPlay();
    await game.waitUntilPlaying();
    expect((await game.debug()).ownPlayerId).not.toBe("00000000-0000-0000-0000-000000000000");
  });

  it("says when the arena is full and offers to try again", async () => {
    browser = await launchBrowser();
    const page = browser.page;
    // The server has no player cap across rooms yet (joinOrCreate opens another room), so the
    // rejection a capped server would send is played back here.
    await page.route(/\/matchmake\/joinOrCreate\/arena/, (route) =>
      route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "ROOM_FULL", message: "ROOM_FULL: the arena is full" }) }),
    );
    const game = new GamePage(page, server.baseUrl);
    await game.open();
    await game.enterLobby("Latecomer");
    await game.quickPlay();
    await game.statusCard.getByText("The arena is full. Try again in a moment.").waitFor({ timeout: 5000 });
    await game.screenshot("room-full-desktop-en");

    await page.unroute(/\/matchmake\/joinOrCreate\/arena/);
    await game.statusCard.getByRole("button", { name: "Try again" }).click();
    await game.waitUntilPlaying();
  });

  it("shows a notice when chat messages come too fast", async () => {
    const game = await joinedGame("Chatty");
    const page = game.page;
    // The server accepts a burst of 5 messages, then 1 per second.
    for (let index = 1; index <= 8; index += 1) {
      await page.locator("#game").press("Enter");
      await page.keyboard.type(`message ${index}`);
      await page.keyboard.press("Enter");
    }
    await game.toast.filter({ hasText: "You are sending messages too quickly" }).waitFor({ timeout: 5000 });
    expect(await game.toast.getAttribute("role")).toBe("alert");
    await game.screenshot("chat-rate-limited-desktop-en");
  });
});
