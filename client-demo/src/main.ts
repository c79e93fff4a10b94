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
import { KeyboardInput, isTextEntryTarget } from "./keyboard.ts";
import { mountLanguageSwitch } from "./language-switch.ts";
import { LeaderboardPanel } from "./leaderboard.ts";
import type { ErrorNotice, RoundResults } from "./messages.ts";
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
      mountDebugOverlay(() => this.session);
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
      onChat: (message) => this.chat.add(message),
      onResults: (results) => {
        this.lastResults = results;
      },
      onNotice: (notice) => this.showNotice(notice),
      onPhaseChange: (phase) => this.onPhaseChange(phase),
      onPing: (milliseconds) => this.hud.setPing(milliseconds),
    });
    this.ownPlayerId = loadIdentity()?.playerId ?? "";
    this.chat.setOwnPlayerId(this.ownPlayerId);
    this.leaderboard.setOwnPlayerId(this.ownPlayerId);
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

  private showNotice(notice: ErrorNotice): void {
    const code = findErrorCode(notice.code) ?? "UNKNOWN";
    this.status.showNotice(new GameError(code, notice.message));
  }

  private onLocaleChanged(): void {
    translateDocument();
    this.chat.refreshLanguage();
    this.leaderboard.render();
    this.status.render();
    this.joinForm.refreshLanguage();
  }

  /** Enter opens the chat and Escape returns to the game, unless focus is in a control that uses those keys. */
  private onGlobalKey(event: KeyboardEvent): void {
    if (this.session === null || this.joinForm.visible || isTextEntryTarget(event.target)) {
      return;
    }
    if (event.key === "Enter" && !isActivatable(event.target)) {
      event.preventDefault();
      this.chat.focusInput();
    } else if (event.key === "Escape") {
      this.focusGame();
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
    const frame: FrameView = session?.frame(performance.now(), labels) ?? { focus: null, players: [], orbs: [], labels };
    this.renderer.draw(frame, timestamp);
    this.hud.update(info, Date.now());
    this.updateResults(session, info);
    if (this.connectionState.kind === "rejoining") {
      this.status.render();
    }
    requestAnimationFrame((now) => this.renderFrame(now));
  }

  private updateResults(session: GameSession | null, info: RoundInfo | null): void {
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
      Date.now(),
      getLocale(),
    );
  }
}

/** Elements on which Enter already does something (press a button, follow a link, toggle a details). */
function isActivatable(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || (target instanceof HTMLElement && target.tagName === "SUMMARY");
}

new App();
