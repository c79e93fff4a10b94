/**
 * Both languages, keyboard-only play and the phone layout: the page follows the browser
 * language, remembers a switch, leaves no English in the Chinese page, can be played without
 * a mouse, and fits a 360 px wide touch screen with an on-screen joystick.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, launchBrowser, PHONE, type Browser } from "./support/browser.ts";
import { GamePage } from "./support/game-page.ts";
import { startGameServer, type GameServer } from "./support/game-server.ts";
import { visibleTexts } from "./support/visible-text.ts";

/**
 * Latin words allowed in the Chinese page: key names printed on keyboards, the language's own
 * name in the switch, units and the players' own names.
 */
const LATIN_ALLOWED = /\b(WASD|Enter|Esc|English|ms)\b|Tester|Bot\d*/g;

describe("languages, keyboard and phones", () => {
  let server: GameServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    server = await startGameServer({ ROUND_SECONDS: "120" });
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("follows the browser language and remembers the player's switch", async () => {
    browser = await launchBrowser({ locale: "zh-CN" });
    const page = browser.page;
    const game = new GamePage(page, server.baseUrl);
    await game.open();
    await page.getByRole("heading", { name: "加入竞技场" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    expect(await page.title()).toBe("轨道竞技场");
    await game.screenshot("join-desktop-zh");

    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("heading", { name: "Join the arena" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Join the arena" }).waitFor();
    expect(await page.getByLabel("Language").inputValue()).toBe("en");
  });

  it("shows no English in the Chinese page while playing", async () => {
    browser = await launchBrowser({ locale: "zh-CN" });
    const game = new GamePage(browser.page, server.baseUrl);
    await game.open();
    await game.join("Tester");
    await browser.page.locator('#hud-ping:not([data-quality="unknown"])').waitFor({ timeout: 5000 });
    await browser.page.locator("#game").press("Enter");
    await browser.page.keyboard.type("你好");
    await browser.page.keyboard.press("Enter");
    await game.chatLog.getByText("你好").waitFor({ timeout: 5000 });
    await game.screenshot("playing-desktop-zh");

    const leftovers = (await visibleTexts(browser.page))
      .map((text) => text.replace(LATIN_ALLOWED, ""))
      .filter((text) => /[A-Za-z]{2,}/.test(text));
    expect(leftovers).toEqual([]);
  });

  it("can be played with the keyboard alone, with a visible focus", async () => {
    browser = await launchBrowser();
    const page = browser.page;
    const game = new GamePage(page, server.baseUrl);
    await game.open();
    // The name field has focus from the start and is labelled.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("join-name");
    expect(await page.getByLabel("Your name").count()).toBe(1);
    await page.keyboard.type("Keys");
    await page.keyboard.press("Enter");
    // The lobby opens with Quick play focused, so a second Enter joins.
    await game.lobby.waitFor({ state: "visible" });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("lobby-quick-play");
    await page.keyboard.press("Enter");
    await game.waitUntilPlaying();

    const start = (await game.debug()).predicted;
    const key = start.y < 1000 ? "ArrowDown" : "ArrowUp";
    await page.keyboard.down(key);
    await game.waitUntilMoved(start, 60);
    await page.keyboard.up(key);

    // Tab reaches the controls, each with a clearly visible outline.
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (element === null) return null;
      const style = getComputedStyle(element);
      const wrapper = element.closest(".language");
      const wrapperStyle = wrapper === null ? null : getComputedStyle(wrapper);
      return {
        tag: element.tagName,
        outline: style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2,
        wrapperOutline: wrapperStyle !== null && wrapperStyle.outlineStyle !== "none",
      };
    });
    expect(focused).not.toBeNull();
    expect(focused?.outline || focused?.wrapperOutline).toBe(true);
    await game.screenshot("keyboard-focus-desktop-en");

    // Escape goes back to the field. The chat input and the language switch have labels too.
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("game");
    expect(await page.getByLabel("Message").count()).toBe(1);
    expect(await page.getByLabel("Language").count()).toBe(1);
    expect(await page.locator("#chat-log").getAttribute("aria-live")).toBe("polite");
  });

  for (const locale of ["en-US", "zh-CN"] as const) {
    it(`fits a 360 px touch screen and moves with the joystick (${locale})`, async () => {
      browser = await launchBrowser({ ...PHONE, locale, mobile: true });
      const page = browser.page;
      const game = new GamePage(page, server.baseUrl);
      await game.open();
      const language = locale === "en-US" ? "en" : "zh";
      await game.screenshot(`join-phone-${language}`);
      await game.join(locale === "en-US" ? "Thumb" : "拇指");

      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width);
      const joystick = page.locator("#joystick");
      await joystick.waitFor({ state: "visible" });
      const box = await joystick.boundingBox();
      if (box === null) throw new Error("the joystick has no box");
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

      // A thumb on the joystick, pushed to the side, moves the player that way.
      const start = (await game.debug()).predicted;
      const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      const push = start.x < 1000 ? box.width / 2 : -box.width / 2;
      const touch = await page.context().newCDPSession(page);
      await touch.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: centre.x, y: centre.y }] });
      await touch.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: centre.x + push, y: centre.y }] });
      await game.waitUntilMoved(start, 60);
      await touch.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      const moved = (await game.debug()).predicted;
      expect(Math.sign(moved.x - start.x)).toBe(Math.sign(push));
      await game.screenshot(`playing-phone-${language}`);

      await page.locator("#chat-toggle").tap();
      await game.screenshot(`chat-phone-${language}`);
    });
  }

  it("keeps the desktop layout free of overlaps at 1280x800", async () => {
    browser = await launchBrowser({ ...DESKTOP, locale: "zh-CN" });
    const page = browser.page;
    const game = new GamePage(page, server.baseUrl);
    await game.open();
    await game.join("Tester");
    const boxes = await page.evaluate(() =>
      ["#chat", ".hud-left", ".hud-right"].map((selector) => {
        const box = document.querySelector(selector)?.getBoundingClientRect();
        return box === undefined ? null : { left: box.left, top: box.top, right: box.right, bottom: box.bottom };
      }),
    );
    const [chat, left, right] = boxes;
    if (!chat || !left || !right) throw new Error("a HUD panel is missing");
    expect(left.right).toBeLessThanOrEqual(right.left);
    expect(left.bottom).toBeLessThanOrEqual(chat.top);
  });
});
