/**
 * Entry point: creates the UI panels, connects them to the network session and runs the
 * render loop.
 */
import type { MoveDirection } from "../../src/rooms/rules/movement.ts";
import { ChatPanel } from "./chat.ts";
import { ArenaConnection, type ArenaRoom, type ConnectionState } from "./connection.ts";
import { isDebugEnabled, mountDebugOverlay } from "./debug-overlay.ts";
import { byId, byIdOfType } from "./dom.ts";
import { GameError, findErrorCode } from "./errors.ts";
import { GameSession, type Phase, type RoundInfo } from "./game-session.ts";
import { Hud } from "./hud.ts";
import { getLocale, onLocaleChange, t, translateDocument } from "./i18n.ts";
import { loadIdentity } from "./identity.ts";
import { JoinForm } from "./join-form.ts";
import { Joystick, revealJoystickOnTouch } from "./joystick.ts";
import { KeyboardInput, isTextEntryTarget, isTypingTarget } from "./keyboard.ts";
import { mountLanguageSwitch } from "./language-switch.ts";
import { LeaderboardPanel } from "./leaderboard.ts";
import type { FrameTrace } from "./frame-trace.ts";
import type { ErrorNotice, RoundResults, Welcome } from "./messages.ts";
import { Renderer, type FrameView } from "./render.ts";
import { ResultsOverlay } from "./results.ts";
import { StatusView, type StatusAction } from "./status-view.ts";

class App {
  private readonly canvas = byIdOfType("game", HTMLCanvasElement);
  private readonly renderer = new Renderer(this.canvas);
  private readonly keyboard = new KeyboardInput();
  private readonly joystick = new Joystick(byId("joystick"), byId("joystick-knob"));
  private readonly hud = new Hud();
  private readonly leaderboard = new LeaderboardPanel();
  private readonly results = new ResultsOverlay();
  private readonly chat = new ChatPanel({ send: (text) => this.session?.sendChat(text), returnToGame: () => this.focusGame() });
  private readonly status = new StatusView((action) => void this.onStatusAction(action));
  private readonly joinForm = new JoinForm((name) => void this.start(name));
  private readonly connection = new ArenaConnection({
    onState: (state) => this.onConnectionState(state),
    onRoom: (room) => this.onRoom(room),
  });
  private session: GameSession | null = null;
  private connectionState: ConnectionState = { kind: "idle" };
  private lastResults: RoundResults | null = null;
  private name = "";
  private ownPlayerId = "";
  /** Frame recorder for browser tests, present only with `?debug`. */
  private trace: FrameTrace | null = null;

  constructor() {
    translateDocument();
    mountLanguageSwitch();
    revealJoystickOnTouch(document.body);
    onLocaleChange(() => this.onLocaleChanged());
    window.addEventListener("keydown", (event) => this.onGlobalKey(event));
    this.chat.setEnabled(false);
    const stored = loadIdentity();
    this.leaderboard.setOwnPlayerId(stored?.playerId ?? "");
    this.joinForm.show(stored?.name ?? "");
    if (isDebugEnabled()) {
      this.trace = mountDebugOverlay(() => this.session);
    }
    requestAnimationFrame((now) => this.renderFrame(now));
  }

  private async start(name: string): Promise<void> {
    this.name = name;
    this.joinForm.hide();
    await this.connection.start(name);
  }

  private onRoom(room: ArenaRoom): void {
    this.session?.dispose();
    this.lastResults = null;
    this.session = new GameSession(room, () => this.readDirection(), {
      onWelcome: (welcome) => this.onWelcome(welcome),
      onChat: (message) => this.chat.add(message),
      onResults: (results) => {
        this.lastResults = results;
      },
      onNotice: (notice) => this.showNotice(notice),
      onPhaseChange: (phase) => this.onPhaseChange(phase),
      onPing: (milliseconds) => this.hud.setPing(milliseconds),
    });
    this.setOwnPlayerId(loadIdentity()?.playerId ?? "");
  }

  /** Takes the own player id from the server, which beats the id stored from an earlier visit. */
  private onWelcome(welcome: Welcome): void {
    this.setOwnPlayerId(welcome.playerId);
  }

  private setOwnPlayerId(playerId: string): void {
    this.ownPlayerId = playerId;
    this.chat.setOwnPlayerId(playerId);
    this.leaderboard.setOwnPlayerId(playerId);
  }

  private onConnectionState(state: ConnectionState): void {
    this.connectionState = state;
    const nameRejected = state.kind === "failed" && state.error.code === "NAME_INVALID";
    this.status.show(nameRejected ? { kind: "idle" } : state);
    this.chat.setEnabled(state.kind === "connected");
    if (state.kind !== "connected") {
      this.hud.setPing(null);
    }
    if (state.kind === "connected") {
      this.joinForm.hide();
      this.focusGame();
    }
    if (state.kind === "failed" || state.kind === "idle" || state.kind === "rejoining") {
      this.session?.dispose();
      this.session = null;
    }
    if (nameRejected) {
      this.joinForm.show(this.name, "NAME_INVALID");
    }
  }

  private async onStatusAction(action: StatusAction): Promise<void> {
    if (action === "changeName") {
      await this.connection.leave();
      this.joinForm.show(this.name);
      return;
    }
    await this.connection.retry();
  }

  private onPhaseChange(phase: Phase): void {
    if (phase === "results") {
      this.leaderboard.refreshAfterRound();
    } else {
      this.lastResults = null;
    }
  }

  /** Shows a notice about this player's own actions. So far the server sends only the chat rate limit. */
  private showNotice(notice: ErrorNotice): void {
    const code = findErrorCode(notice.code) ?? "UNKNOWN";
    if (code === "RATE_LIMITED") {
      this.status.showNoticeText(t("notice.chatRateLimited"));
      return;
    }
    this.status.showNotice(new GameError(code, notice.message));
  }

  private onLocaleChanged(): void {
    translateDocument();
    this.chat.refreshLanguage();
    this.leaderboard.render();
    this.status.render();
    this.joinForm.refreshLanguage();
  }

  /**
   * Enter opens the chat and Escape returns to the game. Text fields keep both keys, because the
   * chat input handles its own Escape. Other controls, such as the language switch, give up focus
   * on Escape, so a keyboard player always has one key back to the field.
   */
  private onGlobalKey(event: KeyboardEvent): void {
    if (this.session === null || this.joinForm.visible || isTypingTarget(event.target)) {
      return;
    }
    if (event.key === "Escape") {
      this.focusGame();
    } else if (event.key === "Enter" && !isTextEntryTarget(event.target) && !isActivatable(event.target)) {
      event.preventDefault();
      this.chat.focusInput();
    }
  }

  private focusGame(): void {
    this.canvas.focus({ preventScroll: true });
  }

  /** Movement is zero while the player types or the game is not in front, so text never moves the player. */
  private readDirection(): MoveDirection {
    if (this.joinForm.visible || isTextEntryTarget(document.activeElement)) {
      return { dx: 0, dy: 0 };
    }
    const keys = this.keyboard.direction();
    return keys.dx !== 0 || keys.dy !== 0 ? keys : this.joystick.direction();
  }

  private renderFrame(timestamp: number): void {
    const session = this.session;
    const info = session?.roundInfo() ?? null;
    const labels = { you: t("game.you"), away: t("game.offlineTag") };
    const now = performance.now();
    const frame: FrameView = session?.frame(now, labels) ?? { focus: null, players: [], orbs: [], labels };
    this.renderer.draw(frame, timestamp);
    this.trace?.record(now, frame, session?.lastCorrection ?? 0);
    const serverNow = session?.serverNow() ?? Date.now();
    this.hud.update(info, serverNow);
    this.updateResults(session, info, serverNow);
    if (this.connectionState.kind === "rejoining") {
      this.status.render();
    }
    requestAnimationFrame((now) => this.renderFrame(now));
  }

  private updateResults(session: GameSession | null, info: RoundInfo | null, serverNow: number): void {
    if (session === null || info === null || info.phase !== "results") {
      this.results.hide();
      return;
    }
    this.results.show(
      {
        round: this.lastResults?.round ?? info.round,
        standings: this.lastResults?.standings ?? session.standings(),
        nextRoundAt: info.nextRoundAt,
        ownPlayerId: this.ownPlayerId,
      },
      serverNow,
      getLocale(),
    );
  }
}

/** Elements on which Enter already does something (press a button, follow a link, toggle a details). */
function isActivatable(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || (target instanceof HTMLElement && target.tagName === "SUMMARY");
}

new App();
