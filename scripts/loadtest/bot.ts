import type { InputHandle, Room } from "@colyseus/sdk";
import type { BotMetrics } from "./bot-metrics.ts";
import { nextChatAt } from "./chat-schedule.ts";
import { chatDelayMs, epochNowMs, readGlobalChatStamp, stampedChatText, stampedGlobalChatText } from "./chat-stamp.ts";
import type { FirstArrivals } from "./first-arrivals.ts";
import type { RoomFinder } from "./fill-policy.ts";
import { tapFrames } from "./frame-tap.ts";
import { isPatchFrame, isStateFrame, readFrameHead } from "./protocol.ts";
import { SeenMessages } from "./seen-messages.ts";
import { AckCursor, SendLog } from "./send-log.ts";

/** The arena samples one input per 50 ms step; bots send at that pace, like the browser client. */
export const INPUT_INTERVAL_MS = 50;
/** A bot more than this late on its input schedule (busy process) skips ahead instead of bursting. */
const MAX_INPUT_LAG_MS = 2 * INPUT_INTERVAL_MS;
/** Inputs between changes of a bot's walking direction. */
const INPUTS_PER_DIRECTION = 20;
const JOIN_ATTEMPTS = 3;
const LEAVE_TIMEOUT_MS = 3000;
/** Global message ids each bot remembers, so it counts a message once. At 32 messages a second they cover 8 s. */
const SEEN_GLOBAL_IDS = 256;

/** Settings shared by every bot of a process. */
export interface BotSettings {
  httpUrl: string;
  /** Chat messages per bot per minute; 0 disables chat. */
  chatPerMinute: number;
  /** Share of those chat messages, from 0 to 1, sent to the global channel instead of the room. */
  globalChatShare: number;
  /** Leave-and-rejoin cycles per bot per minute; 0 disables them. */
  rejoinPerMinute: number;
}

interface MoveInputData {
  seq: number;
  dx: number;
  dy: number;
}

/** The part of the arena state a sampled bot reads after the SDK decoded a frame. */
interface ArenaStateView {
  players?: { get(sessionId: string): { lastSeq: number } | undefined };
}

type Phase = "idle" | "joining" | "playing" | "stopping" | "stopped" | "failed";

/** Next time of a Poisson process with `perMinute` events a minute; Infinity when disabled. */
function nextEventAt(nowMs: number, perMinute: number): number {
  if (perMinute <= 0) return Number.POSITIVE_INFINITY;
  return nowMs - Math.log(1 - Math.random()) * (60_000 / perMinute);
}

/**
 * One simulated player: creates a guest, joins the arena through the matchmaker, sends one
 * input per 50 ms, chats and rejoins now and then. A sampled bot lets the SDK decode the
 * state and measures round trips from its own `lastSeq`. A lean bot drops state frames
 * before the SDK, so it measures them from the frame's TIMED acknowledgement.
 */
export class Bot {
  readonly #index: number;
  readonly #name: string;
  readonly #sampled: boolean;
  readonly #settings: BotSettings;
  readonly #finder: RoomFinder;
  readonly #metrics: BotMetrics;
  /** Shared by the bots of the process. */
  readonly #arrivals: FirstArrivals;

  #phase: Phase = "idle";
  #token: string | undefined;
  #room: Room | undefined;
  #input: InputHandle<MoveInputData> | undefined;
  #sendLog = new SendLog();
  #ackCursor = new AckCursor(this.#sendLog);
  #decodedCursor = new AckCursor(this.#sendLog);
  #lastStateAt = 0;
  #nextInputAt = 0;
  #nextChatAt = Number.POSITIVE_INFINITY;
  #nextRejoinAt = Number.POSITIVE_INFINITY;
  #dx = 0;
  #dy = 0;
  /** `host:port` of the node that runs the current room, from the room's WebSocket URL. */
  #node = "";
  #globalChatCount = 0;
  readonly #seenGlobal = new SeenMessages(SEEN_GLOBAL_IDS);

  constructor(index: number, sampled: boolean, settings: BotSettings, finder: RoomFinder, metrics: BotMetrics, arrivals: FirstArrivals) {
    this.#index = index;
    this.#name = `bot-${index}`;
    this.#sampled = sampled;
    this.#settings = settings;
    this.#finder = finder;
    this.#metrics = metrics;
    this.#arrivals = arrivals;
  }

  /** Id of the room while the bot plays in it, otherwise undefined. */
  get roomId(): string | undefined {
    return this.#phase === "playing" ? this.#room?.roomId : undefined;
  }

  /** Node of the room while the bot plays in it, otherwise undefined. */
  get node(): string | undefined {
    return this.#phase === "playing" ? this.#node : undefined;
  }

  get joining(): boolean {
    return this.#phase === "joining" || this.#phase === "idle";
  }

  /** Creates the guest and joins; resolves once joined or given up, never rejects. */
  async start(): Promise<void> {
    this.#phase = "joining";
    try {
      this.#token = await this.#createGuest();
    } catch (error) {
      this.#metrics.error("guest", error);
      this.#metrics.count("joinFailures");
      this.#phase = "failed";
      return;
    }
    await this.#joinWithRetries();
  }

  /** Called by the process ticker every few ms: sends what is due. */
  tick(nowMs: number): void {
    if (this.#phase !== "playing") return;
    if (nowMs >= this.#nextInputAt) this.#sendInput(nowMs);
    if (nowMs >= this.#nextChatAt) this.#sendChat(nowMs);
    if (nowMs >= this.#nextRejoinAt) void this.#rejoin();
  }

  async stop(): Promise<void> {
    const room = this.#room;
    this.#phase = "stopping";
    this.#room = undefined;
    if (room) await this.#leave(room);
    this.#phase = "stopped";
  }

  async #createGuest(): Promise<string> {
    const started = performance.now();
    const response = await fetch(`${this.#settings.httpUrl}/api/guest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: this.#name }),
    });
    if (response.status !== 201) throw new Error(`POST /api/guest failed with HTTP ${response.status}`);
    const body = (await response.json()) as { token?: unknown };
    if (typeof body.token !== "string") throw new Error("POST /api/guest returned no token");
    this.#metrics.record("guest", performance.now() - started);
    this.#metrics.count("guests");
    return body.token;
  }

  async #joinWithRetries(): Promise<void> {
    for (let attempt = 1; attempt <= JOIN_ATTEMPTS; attempt += 1) {
      if (this.#phase !== "joining") return;
      const started = performance.now();
      try {
        const room = await this.#finder.join(this.#index, this.#token ?? "");
        this.#metrics.record("join", performance.now() - started);
        this.#metrics.count("joins");
        if (this.#phase !== "joining") {
          await this.#leave(room);
          return;
        }
        this.#attach(room);
        return;
      } catch (error) {
        this.#metrics.error("join", error);
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
    this.#metrics.count("joinFailures");
    this.#phase = "failed";
  }

  #attach(room: Room): void {
    this.#room = room;
    room.reconnection.enabled = false;
    this.#sendLog = new SendLog();
    this.#ackCursor = new AckCursor(this.#sendLog);
    this.#decodedCursor = new AckCursor(this.#sendLog);
    this.#lastStateAt = 0;
    this.#input = room.input<MoveInputData>();
    this.#node = nodeOf(room);
    room.onMessage("chat", (message: unknown) => this.#onChat(message));
    room.onMessage("error", (message: unknown) => this.#onServerError(message));
    room.onMessage("results", () => undefined);
    room.onLeave((code: number) => this.#onLeave(room, code));
    room.onError((code: number, message?: string) => this.#metrics.error("room", `${code} ${message ?? ""}`));
    tapFrames(room, { before: (bytes) => this.#beforeFrame(bytes), after: () => this.#afterFrame() });

    const now = performance.now();
    this.#phase = "playing";
    this.#nextInputAt = now + Math.random() * INPUT_INTERVAL_MS;
    this.#nextChatAt = nextChatAt(now, this.#settings.chatPerMinute);
    this.#nextRejoinAt = nextEventAt(now, this.#settings.rejoinPerMinute);
  }

  #sendInput(nowMs: number): void {
    const input = this.#input;
    if (!input) return;
    const seq = this.#sendLog.lastSeq + 1;
    if (seq % INPUTS_PER_DIRECTION === 1) {
      const angle = Math.random() * 2 * Math.PI;
      this.#dx = Math.cos(angle);
      this.#dy = Math.sin(angle);
    }
    input.data.seq = seq;
    input.data.dx = this.#dx;
    input.data.dy = this.#dy;
    const sent = input.send();
    if (sent > 0) {
      this.#sendLog.record(sent, nowMs);
      this.#metrics.count("inputsSent");
    }
    this.#nextInputAt += INPUT_INTERVAL_MS;
    if (nowMs - this.#nextInputAt > MAX_INPUT_LAG_MS) this.#nextInputAt = nowMs + INPUT_INTERVAL_MS;
  }

  #sendChat(nowMs: number): void {
    if (Math.random() < this.#settings.globalChatShare) {
      // The id is sent as the browser client sends one (the server drops a repeated id), and
      // goes into the text because the server forwards only the text to the receivers.
      this.#globalChatCount += 1;
      const id = `${this.#name}.${this.#globalChatCount}`;
      this.#room?.send("chat", { text: stampedGlobalChatText(this.#name, this.#node, id), channel: "global", id });
      this.#metrics.count("globalChatsSent");
    } else {
      this.#room?.send("chat", { text: stampedChatText(this.#name) });
    }
    this.#metrics.count("chatsSent");
    this.#nextChatAt = nextChatAt(nowMs, this.#settings.chatPerMinute);
  }

  #onChat(message: unknown): void {
    const receivedAtMs = epochNowMs();
    this.#metrics.count("chatsReceived");
    if (typeof message !== "object" || message === null) return;
    const { text, channel } = message as { text?: unknown; channel?: unknown };
    if (channel === "global") {
      this.#onGlobalChat(text, receivedAtMs);
      return;
    }
    const delay = chatDelayMs(text, receivedAtMs);
    if (delay !== undefined) this.#metrics.record("chatDelay", delay);
  }

  #onGlobalChat(text: unknown, receivedAtMs: number): void {
    const stamp = readGlobalChatStamp(text);
    if (!stamp) return; // a global message that no bot sent
    if (!this.#seenGlobal.add(stamp.messageId)) {
      this.#metrics.count("globalChatDuplicates");
      return;
    }
    this.#metrics.count("globalChatsReceived");
    const delay = receivedAtMs - stamp.sentAtMs;
    this.#metrics.record("globalChatDelay", delay);
    this.#metrics.record(stamp.senderNode === this.#node ? "globalChatDelaySameNode" : "globalChatDelayOtherNode", delay);
    // Keyed by node too, so the wait compares copies of one node's burst and not the two nodes' timing.
    this.#metrics.record("globalChatFanoutWait", this.#arrivals.sinceFirst(`${stamp.messageId}@${this.#node}`, receivedAtMs));
  }

  #onServerError(message: unknown): void {
    const code = typeof message === "object" && message !== null ? (message as { code?: unknown }).code : undefined;
    if (code === "RATE_LIMITED") this.#metrics.count("chatsRateLimited");
    else this.#metrics.error("server message", typeof code === "string" ? code : "error without code");
  }

  #beforeFrame(bytes: Uint8Array): boolean {
    this.#metrics.count("framesReceived");
    this.#metrics.count("bytesReceived", bytes.length);
    const head = readFrameHead(bytes);
    if (!isStateFrame(head.code)) return true;

    const now = performance.now();
    if (isPatchFrame(head.code) && this.#lastStateAt > 0) {
      const interval = now - this.#lastStateAt;
      this.#metrics.record("patchInterval", interval);
      this.#metrics.record("patchJitter", Math.abs(interval - INPUT_INTERVAL_MS));
    }
    this.#lastStateAt = now;
    if (head.consumed !== undefined) {
      this.#metrics.record("inputBacklog", Math.max(0, this.#sendLog.lastSeq - head.consumed));
      const metric = this.#sampled ? "inputRttAck" : "inputRtt";
      this.#ackCursor.advance(head.consumed, now, (ms) => this.#metrics.record(metric, ms));
    }
    return this.#sampled;
  }

  /** Sampled bots only: the SDK has decoded the frame, so the player's `lastSeq` is current. */
  #afterFrame(): void {
    const room = this.#room;
    if (!this.#sampled || !room) return;
    const state = room.state as unknown as ArenaStateView | undefined;
    const lastSeq = state?.players?.get(room.sessionId)?.lastSeq;
    if (lastSeq === undefined) return;
    this.#decodedCursor.advance(lastSeq, performance.now(), (ms) => {
      this.#metrics.record("inputRttDecoded", ms);
      this.#metrics.record("inputRtt", ms);
    });
  }

  #onLeave(room: Room, code: number): void {
    if (room !== this.#room) return; // a leave we asked for
    this.#room = undefined;
    this.#metrics.count("drops");
    this.#metrics.error("drop", `closed with code ${code}`);
    if (this.#phase !== "playing") return;
    this.#phase = "joining";
    setTimeout(() => void this.#joinWithRetries(), 1000);
  }

  async #rejoin(): Promise<void> {
    const room = this.#room;
    this.#phase = "joining";
    this.#room = undefined;
    this.#metrics.count("rejoins");
    if (room) await this.#leave(room);
    await this.#joinWithRetries();
  }

  async #leave(room: Room): Promise<void> {
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, LEAVE_TIMEOUT_MS).unref());
    await Promise.race([room.leave(true).then(() => undefined, () => undefined), timeout]);
  }
}

/**
 * Names the node that runs `room` by the `host:port` of its WebSocket URL, which is the
 * node's PUBLIC_ADDRESS from the seat reservation when the node announces one.
 */
function nodeOf(room: Room): string {
  const url = room.connection.url;
  if (url === undefined) return "unknown";
  try {
    return new URL(url).host;
  } catch {
    return "unknown";
  }
}
