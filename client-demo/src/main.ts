/**
 * Entry point: creates the UI panels, leads the player from the name form through the lobby
 * into an arena, connects the panels to the network session and runs the render loop.
 */
import type { MoveDirection } from "../../src/rooms/rules/movement.ts";
import { AnnouncementBanner } from "./announcement-banner.ts";
import { ChatPanel } from "./chat.ts";
import { ArenaConnection, QUICK_PLAY, type ArenaRoom, type ConnectionState, type JoinTarget } from "./connection.ts";
import { isDebugEnabled, mountDebugOverlay } from "./debug-overlay.ts";
import { byId, byIdOfType } from "./dom.ts";
import { GameError, findErrorCode } from "./errors.ts";
import { GameNodes } from "./game-nodes.ts";
import { GameSession, type Phase, type RoundInfo } from "./game-session.ts";
import { Hud } from "./hud.ts";
import { getLocale, onLocaleChange, t, translateDocument, type DisplayErrorCode } from "./i18n.ts";
import { loadIdentity } from "./identity.ts";
import { JoinForm } from "./join-form.ts";
import { Joystick, revealJoystickOnTouch } from "./joystick.ts";
import { KeyboardInput, isTextEntryTarget, isTypingTarget } from "./keyboard.ts";
import { mountLanguageSwitch } from "./language-switch.ts";
import { LeaderboardPanel } from "./leaderboard.ts";
import { LobbyConnection } from "./lobby-connection.ts";
import { LobbyView } from "./lobby-view.ts";
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
  private readonly chat = new ChatPanel({ send: (text, channel) => this.session?.sendChat(text, channel), returnToGame: () => this.focusGame() });
  private readonly announcements = new AnnouncementBanner();
  private readonly changeArena = byIdOfType("change-arena", HTMLButtonElement);
  private readonly status = new StatusView((action) => void this.onStatusAction(action));
  private readonly joinForm = new JoinForm((name) => this.start(name));
  private readonly nodes = new GameNodes();
  private readonly lobbyView = new LobbyView({
    onQuickPlay: () => void this.enterArena(QUICK_PLAY),
    onJoin: (listing) => void this.enterArena({ kind: "arena", roomId: listing.roomId }),
    onChangeName: () => void this.showNameForm(),
  });
  private readonly lobby = new LobbyConnection(this.nodes, {
    onListings: (listings) => this.lobbyView.setListings(listings),
    onStatus: (status) => this.lobbyView.setStatus(status),
  });
  private readonly connection = new ArenaConnection(this.nodes, {
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
    this.changeArena.addEventListener("click", () => void this.returnToLobby());
    this.chat.setEnabled(false);
    const stored = loadIdentity();
    this.leaderboard.setOwnPlayerId(stored?.playerId ?? "");
    this.joinForm.show(stored?.name ?? "");
    if (isDebugEnabled()) {
      this.trace = mountDebugOverlay(() => this.session);
    }
    requestAnimationFrame((now) => this.renderFrame(now));
  }

  /** Takes the name from the form and shows the lobby; the guest is created at the first join. */
  private start(name: string): void {
    this.name = name;
    this.joinForm.hide();
    this.showLobby();
  }

  private showLobby(error: DisplayErrorCode | null = null): void {
    this.lobbyView.show(this.name, error);
    void this.lobby.open();
  }

  /** Leaves the lobby room, because a player in an arena needs no live listings, and joins `target`. */
  private async enterArena(target: JoinTarget): Promise<void> {
    this.lobbyView.hide();
    void this.lobby.close();
    await this.connection.start(this.name, target);
  }

  private async returnToLobby(): Promise<void> {
    await this.connection.leave();
    this.showLobby();
  }

  private async showNameForm(): Promise<void> {
    this.lobbyView.hide();
    void this.lobby.close();
    await this.connection.leave();
    this.joinForm.show(this.name);
  }

  private onRoom(room: ArenaRoom): void {
    this.session?.dispose();
    this.lastResults = null;
    this.session = new GameSession(room, () => this.readDirection(), {
      onWelcome: (welcome) => this.onWelcome(welcome),
      onChat: (message) => this.chat.add(message),
      onAnnouncement: (announcement) => this.announcements.show(announcement),
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
    const chosenArenaRefused = state.kind === "failed" && this.isChosenArenaRefusal(state.error.code);
    this.status.show(nameRejected || chosenArenaRefused ? { kind: "idle" } : state);
    this.chat.setEnabled(state.kind === "connected");
    this.changeArena.hidden = state.kind !== "connected";
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
    if (chosenArenaRefused && state.kind === "failed") {
      // The list is the place to pick another arena, so the player goes back there with the reason.
      this.showLobby(state.error.code);
    }
  }

  /** Returns true for a full or closed arena that the player picked from the list, as opposed to Quick play. */
  private isChosenArenaRefusal(code: DisplayErrorCode): boolean {
    return this.connection.target.kind === "arena" && (code === "ROOM_FULL" || code === "ROOM_NOT_FOUND");
  }

  private async onStatusAction(action: StatusAction): Promise<void> {
    if (action === "changeName") {
      await this.showNameForm();
    } else if (action === "chooseArena") {
      await this.returnToLobby();
    } else {
      await this.connection.retry();
    }
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
    this.lobbyView.refreshLanguage();
  }

  /**
   * Enter opens the chat and Escape returns to the game. Text fields keep both keys, because the
   * chat input handles its own Escape. Other controls, such as the language switch, give up focus
   * on Escape, so a keyboard player always has one key back to the field.
   */
  private onGlobalKey(event: KeyboardEvent): void {
    if (this.session === null || this.joinForm.visible || this.lobbyView.visible || isTypingTarget(event.target)) {
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
    if (this.joinForm.visible || this.lobbyView.visible || isTextEntryTarget(document.activeElement)) {
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
