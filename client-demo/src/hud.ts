/** Heads-up display: own score, round number, round timer, player counts (room and cluster) and ping. */
import type { RoundInfo } from "./game-session.ts";
import { t } from "./i18n.ts";
import { byId, setText } from "./dom.ts";

/** Ping above which the indicator turns amber, then red, in milliseconds. */
const PING_WARN_MS = 120;
const PING_BAD_MS = 250;

export class Hud {
  private readonly score = byId("hud-score");
  private readonly round = byId("hud-round");
  private readonly timerLabel = byId("hud-timer-label");
  private readonly timer = byId("hud-timer");
  private readonly players = byId("hud-players");
  private readonly online = byId("hud-online");
  private readonly pingPill = byId("hud-ping");
  private readonly ping = byId("hud-ping-value");
  private readonly pingQuality = byId("hud-ping-quality");
  private pingMs: number | null = null;

  /** Refreshes every value. It runs once per animation frame, so it writes only text that changed. */
  update(info: RoundInfo | null, now: number): void {
    if (info === null) {
      setText(this.score, "–");
      setText(this.round, "");
      setText(this.timer, "–:––");
      setText(this.players, "–");
      setText(this.online, "–");
    } else {
      this.showRound(info, now);
    }
    this.showPing();
  }

  setPing(milliseconds: number | null): void {
    this.pingMs = milliseconds;
  }

  private showRound(info: RoundInfo, now: number): void {
    setText(this.score, String(info.ownScore));
    setText(this.round, info.round > 0 ? t("hud.round", { round: info.round }) : "");
    setText(this.players, String(info.playerCount));
    // The room counts the cluster every few seconds; until then 0 would be wrong, so it shows a dash.
    setText(this.online, info.online > 0 ? String(info.online) : "–");
    const playing = info.phase === "playing";
    setText(this.timerLabel, t(playing ? "hud.timeLeft" : "hud.nextRound"));
    const deadline = playing ? info.roundEndsAt : info.nextRoundAt;
    const remaining = Math.max(0, deadline - now);
    setText(this.timer, formatClock(remaining));
    this.timer.classList.toggle("urgent", playing && remaining > 0 && remaining <= 10_000);
  }

  private showPing(): void {
    const ms = this.pingMs;
    setText(this.ping, ms === null ? t("hud.pingUnknown") : t("hud.pingValue", { ms }));
    const quality = pingQuality(ms);
    // The bars show the quality by how many are lit, so it does not depend on telling colours apart.
    this.pingPill.dataset.quality = quality;
    setText(this.pingQuality, t(`hud.quality.${quality}`));
  }
}

type PingQuality = "unknown" | "good" | "fair" | "poor";

function pingQuality(milliseconds: number | null): PingQuality {
  if (milliseconds === null) {
    return "unknown";
  }
  if (milliseconds < PING_WARN_MS) {
    return "good";
  }
  return milliseconds < PING_BAD_MS ? "fair" : "poor";
}

/** Formats milliseconds as m:ss, rounding up so the clock shows 0:00 only when time is over. */
export function formatClock(milliseconds: number): string {
  const totalSeconds = Math.ceil(milliseconds / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}
