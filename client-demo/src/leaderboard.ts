/** All-time leaderboard panel, refreshed on load, after each round and every 15 seconds. */
import { fetchLeaderboard, type LeaderboardEntry } from "./api.ts";
import { byId, byIdOfType, createElement, setText } from "./dom.ts";
import { t } from "./i18n.ts";

const LEADERBOARD_LIMIT = 10;
const REFRESH_INTERVAL_MS = 15_000;
/** The server updates totals in a background job, so a refresh right at round end may be early. */
const ROUND_END_FOLLOW_UP_MS = 3_000;
const NARROW_VIEWPORT_PX = 640;

type LoadState = "loading" | "loaded" | "failed";

export class LeaderboardPanel {
  private readonly details = byIdOfType("leaderboard", HTMLDetailsElement);
  private readonly list = byId("leaderboard-list");
  private readonly status = byId("leaderboard-status");
  private entries: LeaderboardEntry[] = [];
  private state: LoadState = "loading";
  private ownPlayerId = "";
  private requestId = 0;

  constructor() {
    this.details.open = window.innerWidth >= NARROW_VIEWPORT_PX;
    window.setInterval(() => void this.refresh(), REFRESH_INTERVAL_MS);
    void this.refresh();
  }

  setOwnPlayerId(playerId: string): void {
    this.ownPlayerId = playerId;
    this.render();
  }

  /** Refreshes now and once more shortly after, to pick up the totals of the round that just ended. */
  refreshAfterRound(): void {
    void this.refresh();
    window.setTimeout(() => void this.refresh(), ROUND_END_FOLLOW_UP_MS);
  }

  async refresh(): Promise<void> {
    const requestId = ++this.requestId;
    try {
      const entries = await fetchLeaderboard(LEADERBOARD_LIMIT);
      if (requestId === this.requestId) {
        this.entries = entries;
        this.state = "loaded";
      }
    } catch (error) {
      console.warn("Leaderboard refresh failed:", error);
      if (requestId === this.requestId) {
        this.state = "failed";
      }
    }
    this.render();
  }

  render(): void {
    this.list.replaceChildren(...this.entries.map((entry) => this.renderEntry(entry)));
    setText(this.status, this.statusText());
  }

  private statusText(): string {
    if (this.state === "failed") {
      return t("leaderboard.failed");
    }
    if (this.state === "loading" && this.entries.length === 0) {
      return t("leaderboard.loading");
    }
    return this.entries.length === 0 ? t("leaderboard.empty") : "";
  }

  private renderEntry(entry: LeaderboardEntry): HTMLLIElement {
    const item = createElement("li", "leaderboard-entry");
    if (entry.playerId === this.ownPlayerId) {
      item.classList.add("own");
    }
    item.append(
      createElement("span", "rank", String(entry.rank)),
      createElement("span", "name", entry.name),
      createElement("span", "points", t("leaderboard.points", { score: entry.totalScore })),
    );
    return item;
  }
}
