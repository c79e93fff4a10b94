/**
 * One joined arena room: sends movement on the input channel, feeds patches into prediction
 * (own player) and interpolation (others), forwards room messages, and builds render frames.
 */
import type { InputHandle } from "@colyseus/sdk";
import { FIELD_SIZE, TICK_RATE } from "../../src/rooms/rules/constants.ts";
import type { MoveDirection } from "../../src/rooms/rules/movement.ts";
import type { MoveInput } from "../../src/rooms/schema/MoveInput.ts";
import type { ArenaState, PlayerState } from "../../src/rooms/schema/ArenaState.ts";
import type { ArenaRoom } from "./connection.ts";
import { roomAddress } from "./game-nodes.ts";
import { RemoteInterpolator } from "./interpolation.ts";
import {
  parseAnnouncement,
  parseChatMessage,
  parseErrorNotice,
  parseRoundResults,
  parseWelcome,
  type Announcement,
  type ChatChannel,
  type ChatMessage,
  type ErrorNotice,
  type RoundResults,
  type Welcome,
} from "./messages.ts";
import { PlayerStyles, type PlayerStyle } from "./player-style.ts";
import { LocalPrediction } from "./prediction.ts";
import type { FrameView, OrbView, PlayerView } from "./render.ts";
import { ServerClock } from "./server-clock.ts";

export type Phase = "playing" | "results";

export interface RoundInfo {
  phase: Phase;
  round: number;
  roundEndsAt: number;
  nextRoundAt: number;
  ownScore: number;
  playerCount: number;
  /** Players connected anywhere in the cluster, 0 until the room first counted them. */
  online: number;
}

/** Netcode numbers for the `?debug` readout and automated browser checks. */
export interface DebugSnapshot {
  /** The own player's id from the welcome message, "" before it arrived. */
  ownPlayerId: string;
  roomId: string;
  /** host:port of the node that runs the room. */
  node: string | null;
  phase: Phase | null;
  /** Server clock minus browser clock, in ms. */
  clockOffset: number;
  seq: number;
  pendingInputs: number;
  lastCorrection: number;
  predicted: { x: number; y: number };
  /** Where the own player was drawn in the last frame. */
  drawn: { x: number; y: number } | null;
  server: { x: number; y: number; lastSeq: number } | null;
  /** Other players: latest server position and the interpolated position drawn now. */
  others: { name: string; x: number; y: number; drawn: { x: number; y: number } | null }[];
  nearestOrb: { x: number; y: number; value: number } | null;
}

export interface SessionListeners {
  onWelcome(welcome: Welcome): void;
  onChat(message: ChatMessage): void;
  onAnnouncement(announcement: Announcement): void;
  onResults(results: RoundResults): void;
  onNotice(notice: ErrorNotice): void;
  onPhaseChange(phase: Phase, round: number): void;
  onPing(milliseconds: number): void;
}

const INPUT_INTERVAL_MS = 1000 / TICK_RATE;
const PING_INTERVAL_MS = 2000;

export class GameSession {
  private readonly prediction = new LocalPrediction();
  private readonly interpolator = new RemoteInterpolator();
  private readonly styles = new PlayerStyles();
  private readonly clock = new ServerClock();
  private readonly input: InputHandle<MoveInput>;
  private readonly timers: number[] = [];
  private seq = 0;
  private lastSentIdle = false;
  private lastPhase: Phase | null = null;
  private lastDrawnSelf: { x: number; y: number } | null = null;
  private ownPlayerId = "";
  private disposed = false;

  constructor(
    private readonly room: ArenaRoom,
    private readonly readDirection: () => MoveDirection,
    private readonly listeners: SessionListeners,
  ) {
    // The handle's schema comes from the server's defineInput() reflection in the join handshake.
    this.input = room.input<MoveInput>();
    room.onStateChange(() => this.onPatch());
    room.onMessage("welcome", (payload: unknown) => this.forward(parseWelcome(payload), (welcome) => this.onWelcome(welcome)));
    room.onMessage("chat", (payload: unknown) => this.forward(parseChatMessage(payload), listeners.onChat));
    room.onMessage("announcement", (payload: unknown) => this.forward(parseAnnouncement(payload), listeners.onAnnouncement));
    room.onMessage("results", (payload: unknown) => this.forward(parseRoundResults(payload), listeners.onResults));
    room.onMessage("error", (payload: unknown) => this.forward(parseErrorNotice(payload), listeners.onNotice));
    this.timers.push(window.setInterval(() => this.sendInput(), INPUT_INTERVAL_MS));
    this.timers.push(window.setInterval(() => this.measurePing(), PING_INTERVAL_MS));
    this.measurePing();
  }

  /**
   * Sends a chat message to this room or, on the global channel, to every arena of the
   * cluster. The random id makes the server deliver a resent copy only once.
   */
  sendChat(text: string, channel: ChatChannel): void {
    this.room.send("chat", { text, id: randomMessageId(), channel });
  }

  /** Distance of the last prediction correction, in field units. */
  get lastCorrection(): number {
    return this.prediction.lastCorrection;
  }

  /** The current time on the server's clock, for countdowns to the deadlines in the state. */
  serverNow(): number {
    return this.clock.now();
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) {
      window.clearInterval(timer);
    }
  }

  /** False until the first full state arrives, because until then the state's maps are not decoded. */
  get ready(): boolean {
    const state: Partial<ArenaState> | undefined = this.room.state;
    return state?.players !== undefined && state.orbs !== undefined;
  }

  roundInfo(): RoundInfo | null {
    if (!this.ready) {
      return null;
    }
    const state = this.room.state;
    const self = state.players.get(this.room.sessionId);
    return {
      phase: state.phase === "results" ? "results" : "playing",
      round: finiteOr(state.round, 0),
      roundEndsAt: finiteOr(state.roundEndsAt, 0),
      nextRoundAt: finiteOr(state.nextRoundAt, 0),
      ownScore: finiteOr(self?.score, 0),
      playerCount: state.players.size,
      online: finiteOr(state.online, 0),
    };
  }

  /** Current standings from the room state, best first, for when no `results` message arrived. */
  standings(): RoundResults["standings"] {
    const standings: RoundResults["standings"] = [];
    if (!this.ready) {
      return standings;
    }
    this.room.state.players.forEach((player) => {
      standings.push({ playerId: player.playerId, name: player.name, score: finiteOr(player.score, 0) });
    });
    return standings.sort((a, b) => b.score - a.score);
  }

  frame(now: number, labels: FrameView["labels"]): FrameView {
    const players: PlayerView[] = [];
    let focus: FrameView["focus"] = null;
    if (!this.ready) {
      return { focus, players, orbs: [], labels };
    }
    this.room.state.players.forEach((player, sessionId) => {
      const isSelf = sessionId === this.room.sessionId;
      const position = isSelf ? this.prediction.renderPosition(now) : this.interpolator.sample(sessionId, now);
      if (position === null) {
        return;
      }
      if (isSelf) {
        focus = position;
        this.lastDrawnSelf = { x: position.x, y: position.y };
      }
      players.push(toPlayerView(sessionId, player, position, isSelf, this.styles.styleFor(player.playerId)));
    });
    return { focus, players, orbs: this.orbViews(), labels };
  }

  debugSnapshot(now: number): DebugSnapshot {
    const predicted = { x: this.prediction.position.x, y: this.prediction.position.y };
    const self = this.ready ? this.room.state.players.get(this.room.sessionId) : undefined;
    const others: DebugSnapshot["others"] = [];
    if (this.ready) {
      this.room.state.players.forEach((player, sessionId) => {
        if (sessionId !== this.room.sessionId) {
          others.push({ name: player.name, x: player.x, y: player.y, drawn: this.interpolator.sample(sessionId, now) });
        }
      });
    }
    return {
      ownPlayerId: this.ownPlayerId,
      roomId: this.room.roomId,
      node: roomAddress(this.room),
      phase: this.lastPhase,
      clockOffset: this.clock.offset,
      seq: this.seq,
      pendingInputs: this.prediction.pendingCount,
      lastCorrection: this.prediction.lastCorrection,
      predicted,
      drawn: this.lastDrawnSelf,
      server: self === undefined ? null : { x: self.x, y: self.y, lastSeq: self.lastSeq },
      others,
      nearestOrb: nearestOrb(this.orbViews(), predicted),
    };
  }

  private orbViews(): OrbView[] {
    if (!this.ready) {
      return [];
    }
    const orbs: OrbView[] = [];
    this.room.state.orbs.forEach((orb) => {
      if (isOnField(orb.x) && isOnField(orb.y)) {
        orbs.push({ x: orb.x, y: orb.y, value: finiteOr(orb.value, 1) });
      }
    });
    return orbs;
  }

  private onPatch(): void {
    if (!this.ready) {
      return;
    }
    const now = performance.now();
    const present = new Set<string>();
    const playerIds: string[] = [];
    this.room.state.players.forEach((player, sessionId) => {
      playerIds.push(player.playerId);
      if (!isOnField(player.x) || !isOnField(player.y)) {
        return;
      }
      present.add(sessionId);
      if (sessionId === this.room.sessionId) {
        this.prediction.reconcile({ x: player.x, y: player.y, lastSeq: finiteOr(player.lastSeq, 0) });
      } else {
        this.interpolator.record(sessionId, now, player);
      }
    });
    this.interpolator.retain(present);
    this.styles.update(playerIds);
    this.notifyPhaseChange();
  }

  private notifyPhaseChange(): void {
    const info = this.roundInfo();
    if (info === null) {
      return;
    }
    const { phase, round } = info;
    if (phase !== this.lastPhase) {
      this.lastPhase = phase;
      this.listeners.onPhaseChange(phase, round);
    }
  }

  /**
   * Sends one input per server tick. While the player is idle only the first zero input is sent,
   * because the server has nothing to apply and a stream of zeros would only cost traffic.
   */
  private sendInput(): void {
    if (this.disposed) {
      return;
    }
    // The server applies no inputs between rounds; queued ones would replay as a jump at round start.
    const playing = this.roundInfo()?.phase === "playing";
    const raw = playing ? this.readDirection() : { dx: 0, dy: 0 };
    // MoveInput carries float32 components, so predict with exactly the values the server decodes.
    const direction = { dx: Math.fround(raw.dx), dy: Math.fround(raw.dy) };
    const idle = direction.dx === 0 && direction.dy === 0;
    if (idle && this.lastSentIdle) {
      return;
    }
    const seq = this.seq + 1;
    this.input.data.seq = seq;
    this.input.data.dx = direction.dx;
    this.input.data.dy = direction.dy;
    if (this.input.send() === 0) {
      return;
    }
    this.seq = seq;
    this.lastSentIdle = idle;
    this.prediction.applyInput({ seq, dx: direction.dx, dy: direction.dy }, performance.now());
  }

  private onWelcome(welcome: Welcome): void {
    this.clock.sync(welcome.serverNow, Date.now());
    this.ownPlayerId = welcome.playerId;
    this.listeners.onWelcome(welcome);
  }

  private measurePing(): void {
    this.room.ping((milliseconds) => {
      if (!this.disposed) {
        this.clock.setRoundTrip(milliseconds);
        this.listeners.onPing(milliseconds);
      }
    });
  }

  private forward<T>(value: T | null, listener: (value: T) => void): void {
    if (value !== null && !this.disposed) {
      listener(value);
    }
  }
}

function toPlayerView(sessionId: string, player: PlayerState, position: { x: number; y: number }, isSelf: boolean, style: PlayerStyle): PlayerView {
  return {
    key: sessionId,
    playerId: player.playerId,
    name: player.name,
    x: position.x,
    y: position.y,
    score: finiteOr(player.score, 0),
    connected: player.connected,
    isSelf,
    style,
  };
}

/** 16 random bytes as hex; crypto.randomUUID would need a secure context (HTTPS or localhost). */
function randomMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function nearestOrb(orbs: OrbView[], from: { x: number; y: number }): OrbView | null {
  let best: OrbView | null = null;
  let bestDistance = Infinity;
  for (const orb of orbs) {
    const distance = Math.hypot(orb.x - from.x, orb.y - from.y);
    if (distance < bestDistance) {
      best = orb;
      bestDistance = distance;
    }
  }
  return best;
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

function isOnField(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= FIELD_SIZE;
}
