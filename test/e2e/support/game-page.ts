/**
 * What a player does on the game page, written once for every test: open it, enter a name,
 * pick an arena in the lobby, read the HUD, and read the netcode numbers that `?debug`
 * exposes on `window`.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import type { TraceFrame } from "../../../client-demo/src/debug-api.ts";
import type { DebugSnapshot } from "../../../client-demo/src/game-session.ts";
import { SCREENSHOT_DIR } from "./paths.ts";

/** How long a page may take to join, including guest creation, on a loaded two-core machine. */
export const JOIN_TIMEOUT_MS = 15_000;

export class GamePage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  get nameInput(): Locator {
    return this.page.locator("#join-name");
  }

  get lobby(): Locator {
    return this.page.locator("#lobby");
  }

  get quickPlayButton(): Locator {
    return this.page.locator("#lobby-quick-play");
  }

  /** Returns the lobby row of an arena on the node with this public address (host:port). */
  arenaRowOn(publicAddress: string): Locator {
    return this.page.locator(`#lobby-list li[data-node="${publicAddress}"]`);
  }

  get score(): Locator {
    return this.page.locator("#hud-score");
  }

  get connection(): Locator {
    return this.page.locator("#hud-connection");
  }

  get chatLog(): Locator {
    return this.page.locator("#chat-log");
  }

  get statusCard(): Locator {
    return this.page.locator("#status-card");
  }

  get banner(): Locator {
    return this.page.locator("#status-banner");
  }

  get toast(): Locator {
    return this.page.locator("#toast");
  }

  get results(): Locator {
    return this.page.locator("#results");
  }

  /** Opens the page with the debug hooks on. Apart from the readout, they change nothing on screen. */
  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/?debug`);
    await this.nameInput.waitFor({ state: "visible" });
  }

  /** Types a name into the join form, submits it with Enter, picks Quick play and waits until the game runs. */
  async join(name: string): Promise<void> {
    await this.enterLobby(name);
    await this.quickPlay();
    await this.waitUntilPlaying();
  }

  /** Types a name into the join form, submits it with Enter and waits for the lobby. */
  async enterLobby(name: string): Promise<void> {
    await this.nameInput.fill(name);
    await this.nameInput.press("Enter");
    await this.lobby.waitFor({ state: "visible" });
  }

  async quickPlay(): Promise<void> {
    await this.quickPlayButton.click();
  }

  /** Waits until the HUD says connected and the first state with the own player arrived. */
  async waitUntilPlaying(timeoutMs = JOIN_TIMEOUT_MS): Promise<void> {
    await this.page.locator('#hud-connection[data-state="online"]').waitFor({ timeout: timeoutMs });
    await this.page.waitForFunction(() => window.orbitDebug?.()?.server != null, undefined, { timeout: timeoutMs });
  }

  async debug(): Promise<DebugSnapshot> {
    const snapshot = await this.page.evaluate(() => window.orbitDebug?.() ?? null);
    if (snapshot === null) {
      throw new Error("the page has no game session (window.orbitDebug() returned null)");
    }
    return snapshot;
  }

  /** The own score as the HUD shows it. */
  async scoreValue(): Promise<number> {
    return Number(await this.score.textContent());
  }

  async startTrace(): Promise<void> {
    await this.page.evaluate(() => window.orbitTrace?.start());
  }

  async stopTrace(): Promise<TraceFrame[]> {
    return await this.page.evaluate(() => window.orbitTrace?.stop() ?? []);
  }

  /** Waits until the own predicted position has moved at least `distance` field units from `from`. */
  async waitUntilMoved(from: { x: number; y: number }, distance: number, timeoutMs = 5000): Promise<void> {
    await this.page.waitForFunction(
      ({ origin, minimum }) => {
        const snapshot = window.orbitDebug?.();
        return snapshot != null && Math.hypot(snapshot.predicted.x - origin.x, snapshot.predicted.y - origin.y) >= minimum;
      },
      { origin: from, minimum: distance },
      { timeout: timeoutMs },
    );
  }

  /** Saves a screenshot under test-results/e2e/ for people to look at after the run. */
  async screenshot(name: string): Promise<void> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    // The netcode readout of ?debug is for developers, so the screenshots leave it out.
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), style: ".debug { display: none !important; }" });
  }
}
