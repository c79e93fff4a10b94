/**
 * The browser client on a cluster of two game nodes and a job worker, each a process of its
 * own: the lobby lists the arenas of both nodes live, players on different nodes talk on the
 * global chat channel, and a player whose node is killed plays on the other node within 10 s.
 *
 * Page A is served by node A and page B by node B, and each joins the arena on its own node,
 * as when a load balancer sends each visitor to some node. Killing node B therefore takes both
 * page B's room and its page origin, so page B can only get back in through node A's address,
 * which it learned from the lobby listings.
 */
import type { Page, WebSocket } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "./support/bot.ts";
import { DESKTOP, launchBrowser, PHONE, type Browser } from "./support/browser.ts";
import { startGameCluster, type ClusterNode, type GameCluster } from "./support/game-cluster.ts";
import { GamePage } from "./support/game-page.ts";
import { visibleTexts } from "./support/visible-text.ts";

const ADMIN_PASSWORD = "cluster-e2e-admin-password";
/** The SDK reconnects only rooms joined at least this long ago (Colyseus's reconnection.minUptime). */
const SDK_MIN_UPTIME_MS = 5000;
/** How soon a player of a killed node must be playing again. */
const FAILOVER_LIMIT_MS = 10_000;

/** Counts the page's open WebSockets, to see which rooms it is still connected to. */
function trackSockets(page: Page): () => number {
  const open = new Set<WebSocket>();
  page.on("websocket", (socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
  });
  return () => open.size;
}

/** Sends a chat message the way a player does: Enter on the field, type, Enter. */
async function say(game: GamePage, text: string): Promise<void> {
  await game.page.locator("#game").press("Enter");
  await game.page.keyboard.type(text);
  await game.page.keyboard.press("Enter");
}

describe("browser client on a cluster of two nodes", () => {
  let cluster: GameCluster;
  let nodeA: ClusterNode;
  let nodeB: ClusterNode;
  let bots: Map<string, Bot> = new Map();
  let browserA: Browser | undefined;
  let browserB: Browser | undefined;
  let gameA: GamePage;
  let gameB: GamePage;
  let openSocketsOfB: () => number;
  let bJoinedAt = 0;

  beforeAll(async () => {
    cluster = await startGameCluster(2, { ROUND_SECONDS: "120", ADMIN_PASSWORD });
    const [first, second] = cluster.nodes;
    if (first === undefined || second === undefined) throw new Error("the cluster started fewer than two nodes");
    nodeA = first;
    nodeB = second;
    // An arena with one bot in it on each node, so each page finds an arena on its own node.
    bots = await Bot.createOnEveryNode(nodeA.baseUrl, [nodeA.address, nodeB.address], "Anchor");
    [browserA, browserB] = await Promise.all([launchBrowser(), launchBrowser()]);
    gameA = new GamePage(browserA.page, nodeA.baseUrl);
    gameB = new GamePage(browserB.page, nodeB.baseUrl);
    openSocketsOfB = trackSockets(browserB.page);
  });

  afterAll(async () => {
    await Promise.all([browserA?.close(), browserB?.close()]);
    await Promise.all([...bots.values()].map((bot) => bot.leave()));
    await cluster?.dispose();
  });

  it("lists both nodes' arenas live", async () => {
    // Also checks the lobby in both languages and at 360 px, with screenshots of each.
    const page = gameA.page;
    await gameA.open();
    await gameA.enterLobby("Ada");
    const rowA = gameA.arenaRowOn(nodeA.address);
    const rowB = gameA.arenaRowOn(nodeB.address);
    await rowA.waitFor({ timeout: 5000 });
    await rowB.waitFor({ timeout: 5000 });
    expect(await rowA.locator(".lobby-players").textContent()).toBe("1/16 players");
    expect(await rowA.locator(".lobby-node").textContent()).toBe(`Server ${nodeA.address}`);
    expect(await rowB.locator(".lobby-node").textContent()).toBe(`Server ${nodeB.address}`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("lobby-quick-play");

    // Another player joins the arena on node B and leaves again: the row follows both.
    const roomB = bots.get(nodeB.address)?.room.roomId ?? "";
    const visitor = await Bot.joinRoom(nodeA.baseUrl, "Visitor", roomB);
    await rowB.locator(".lobby-players", { hasText: "2/16 players" }).waitFor({ timeout: 5000 });
    await visitor.leave();
    await rowB.locator(".lobby-players", { hasText: "1/16 players" }).waitFor({ timeout: 5000 });

    // A new arena appears in the list, and disappears once its last player left and it closed.
    const newcomer = await Bot.create(nodeA.baseUrl, "Newcomer");
    const newRow = page.locator(`#lobby-list li[data-room-id="${newcomer.room.roomId}"]`);
    await newRow.waitFor({ timeout: 5000 });
    await newcomer.leave();
    await newRow.waitFor({ state: "detached", timeout: 5000 });
    await gameA.screenshot("lobby-desktop-en");

    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const joinBox = await rowB.getByRole("button").boundingBox();
    expect((joinBox?.x ?? Infinity) + (joinBox?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    await gameA.screenshot("lobby-phone-en");

    // The language switch stays usable with the lobby open.
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "选择竞技场" }).waitFor();
    expect(await rowB.locator(".lobby-players").textContent()).toBe("1/16 名玩家");
    await gameA.screenshot("lobby-phone-zh");
    // Latin letters may appear only in room ids, key names, players' names (the leaderboard shows
    // the bots once a closed arena saved their round) and the language's own name.
    const roomIds = [...bots.values()].map((bot) => bot.room.roomId);
    const leftovers = (await visibleTexts(page))
      .map((text) => roomIds.reduce((rest, roomId) => rest.replaceAll(roomId, ""), text).replace(/\b(WASD|Enter|Esc|English|Ada|Anchor\d+|Visitor|Newcomer)\b/g, ""))
      .filter((text) => /[A-Za-z]{2,}/.test(text));
    expect(leftovers).toEqual([]);

    await page.setViewportSize(DESKTOP);
    await gameA.screenshot("lobby-desktop-zh");
    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("heading", { name: "Choose an arena" }).waitFor();

    // An arena that filled up after the list was drawn: Colyseus 0.18 rejects the joinById with
    // code 522 and "is locked", played back here. The player lands in the list with the reason.
    const joinById = /\/matchmake\/joinById\//;
    await page.route(joinById, (route) =>
      route.fulfill({ status: 522, contentType: "application/json", body: JSON.stringify({ code: 522, error: `room "${roomB}" is locked` }) }),
    );
    await rowB.getByRole("button").click();
    await page.locator("#lobby-error", { hasText: "The arena is full." }).waitFor({ timeout: 5000 });
    expect(await gameA.statusCard.isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("lobby-quick-play");
    await page.unroute(joinById);
  });

  it("carries global chat across nodes", async () => {
    // Page A joins the arena on its own node with the keyboard alone.
    await gameA.arenaRowOn(nodeA.address).getByRole("button", { name: `Join arena ${bots.get(nodeA.address)?.room.roomId}` }).focus();
    await gameA.page.keyboard.press("Enter");
    await gameA.waitUntilPlaying();
    expect((await gameA.debug()).node).toBe(nodeA.address);

    await gameB.open();
    await gameB.enterLobby("Bea");
    await gameB.arenaRowOn(nodeB.address).getByRole("button").click();
    await gameB.waitUntilPlaying();
    bJoinedAt = Date.now();
    const debugB = await gameB.debug();
    expect(debugB.node).toBe(nodeB.address);
    expect(debugB.roomId).toBe(bots.get(nodeB.address)?.room.roomId);
    // Entering the arena left the lobby room: only the arena's socket stays open.
    await expect.poll(openSocketsOfB, { timeout: 5000 }).toBe(1);

    await gameA.page.locator("#chat-channel").selectOption("global");
    await gameB.page.locator("#chat-channel").selectOption("global");
    await say(gameA, "hello from node A");
    const received = gameB.chatLog.locator(".chat-entry.channel-global", { hasText: "hello from node A" });
    await received.waitFor({ timeout: 5000 });
    expect(await received.locator(".chat-channel").textContent()).toBe("Global");
    expect(await received.locator(".chat-name").textContent()).toBe("Ada");
    await say(gameB, "hi from node B");
    await gameA.chatLog.locator(".chat-entry.channel-global", { hasText: "hi from node B" }).waitFor({ timeout: 5000 });

    // The room channel stays in its arena: page B gets the global message sent after it, but not it.
    await gameA.page.locator("#chat-channel").selectOption("room");
    await say(gameA, "only arena A");
    await gameA.chatLog.getByText("only arena A").waitFor({ timeout: 5000 });
    await gameA.page.locator("#chat-channel").selectOption("global");
    await say(gameA, "everyone again");
    await gameB.chatLog.getByText("everyone again").waitFor({ timeout: 5000 });
    expect(await gameB.chatLog.getByText("only arena A").count()).toBe(0);

    // The choice of channel outlives the page.
    const laterVisit = await gameA.page.context().newPage();
    await laterVisit.goto(nodeA.baseUrl);
    expect(await laterVisit.locator("#chat-channel").inputValue()).toBe("global");
    await laterVisit.close();

    // Online counts the players of every arena on every node: two bots and two pages.
    await expect.poll(() => gameA.page.locator("#hud-online").textContent(), { timeout: 5000 }).toBe("4");
    await gameA.screenshot("global-chat-desktop-en");
  });

  it("shows announcements on every node", async () => {
    const response = await fetch(`${nodeB.baseUrl}/api/admin/announce`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}` },
      body: JSON.stringify({ text: "Servers restart at 03:00 UTC" }),
    });
    expect(response.status).toBe(202);
    for (const game of [gameA, gameB]) {
      const banner = game.page.locator("#announcement");
      await banner.filter({ hasText: "Servers restart at 03:00 UTC" }).waitFor({ timeout: 5000 });
      expect(await banner.getAttribute("role")).toBe("status");
    }
    await gameA.screenshot("announcement-desktop-en");
  });

  it("returns to lobby via Change arena", async () => {
    await gameA.page.getByRole("button", { name: "Change arena" }).click();
    await gameA.lobby.waitFor({ state: "visible" });
    const rowA = gameA.arenaRowOn(nodeA.address);
    await rowA.waitFor({ timeout: 5000 });
    await rowA.getByRole("button").click();
    await gameA.waitUntilPlaying();
    expect((await gameA.debug()).node).toBe(nodeA.address);
  });

  it("moves players off a killed node", async () => {
    const page = gameB.page;
    const before = await gameB.debug();
    // Let the SDK's own reconnection start, as it does for a room of some age, so the page has
    // to tell the dead node from a lost network itself.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, bJoinedAt + SDK_MIN_UPTIME_MS + 500 - Date.now())));
    await page.evaluate(() => {
      const states: string[] = [];
      const banners: string[] = [];
      const pill = document.querySelector("#hud-connection");
      const banner = document.querySelector("#status-banner");
      new MutationObserver(() => states.push(pill?.getAttribute("data-state") ?? "")).observe(pill!, { attributes: true, attributeFilter: ["data-state"] });
      new MutationObserver(() => banners.push(banner?.textContent ?? "")).observe(banner!, { childList: true, characterData: true, subtree: true });
      Object.assign(window, { connectionStates: states, bannerTexts: banners });
    });

    const killedAt = Date.now();
    await nodeB.process.kill();
    await page.waitForFunction(
      (address) => {
        const snapshot = window.orbitDebug?.();
        return snapshot?.node === address && snapshot.server !== null;
      },
      nodeA.address,
      { timeout: FAILOVER_LIMIT_MS },
    );
    await page.locator('#hud-connection[data-state="online"]').waitFor({ timeout: 1000 });
    const elapsed = Date.now() - killedAt;
    console.log(`page B played on node A again ${elapsed} ms after node B was killed`);
    expect(elapsed).toBeLessThan(FAILOVER_LIMIT_MS);

    // The page showed that it was reconnecting, and knew why: the node, not the network, was gone.
    const seen = await page.evaluate(() => {
      const recorded = window as unknown as { connectionStates: string[]; bannerTexts: string[] };
      return { connectionStates: recorded.connectionStates, bannerTexts: recorded.bannerTexts };
    });
    expect(seen.connectionStates).toContain("reconnecting");
    expect(seen.bannerTexts.some((text) => text.startsWith("Your game server stopped"))).toBe(true);
    const after = await gameB.debug();
    expect(after.ownPlayerId).toBe(before.ownPlayerId);
    expect(after.roomId).not.toBe(before.roomId);
    await gameB.banner.waitFor({ state: "hidden", timeout: 2000 });

    // Page B plays and chats from its new node.
    await say(gameB, "back on node A");
    await gameA.chatLog.getByText("back on node A").waitFor({ timeout: 5000 });
    await gameB.screenshot("after-failover-desktop-en");
  });
});
