/**
 * The network session: guest login, joining the arena room and every state the connection can
 * be in afterwards (SDK reconnection, rejoin after a server restart, final failures).
 */
import { Client, type Room } from "@colyseus/sdk";
import type { ArenaState } from "../../src/rooms/schema/ArenaState.ts";
import { createGuest } from "./api.ts";
import { GameError, errorFromClose, isTokenError, toGameError } from "./errors.ts";
import { clearIdentity, loadIdentity, saveIdentity, type GuestIdentity } from "./identity.ts";

export type ArenaRoom = Room<unknown, ArenaState>;

export type ConnectionState =
  | { kind: "idle" }
  | { kind: "creating-guest" }
  | { kind: "connecting" }
  | { kind: "connected"; room: ArenaRoom }
  | { kind: "reconnecting" }
  | { kind: "rejoining"; at: number; reason: GameError }
  | { kind: "failed"; error: GameError };

export interface ConnectionEvents {
  onState(state: ConnectionState): void;
  /** Called once for every successful join, including rejoins, so the game binds the new room. */
  onRoom(room: ArenaRoom): void;
}

const ROOM_NAME = "arena";
/**
 * SDK reconnection attempts after a dropped connection. With the SDK's exponential backoff
 * (0.2 s doubling, at most 5 s) eight attempts span about 21 s, just past the 20 s for which
 * the server keeps a dropped seat by default (RECONNECT_SECONDS).
 */
const RECONNECT_ATTEMPTS = 8;
/** Waits before each rejoin attempt after a server restart or a lost connection. The last entry is the final attempt. */
const REJOIN_DELAYS_MS = [1500, 3000, 5000, 8000, 12000];

export class ArenaConnection {
  private readonly client = new Client(window.location.origin);
  private room: ArenaRoom | null = null;
  private name = "";
  private rejoinAttempt = 0;
  private rejoinTimer: number | undefined;
  /** True while a join is in flight, so a double click on "Try again" does not join twice. */
  private joining = false;

  constructor(private readonly events: ConnectionEvents) {}

  /** Logs in as `name` (reusing the stored guest when the name matches) and joins the arena. */
  async start(name: string): Promise<void> {
    this.name = name;
    this.rejoinAttempt = 0;
    await this.connect();
  }

  /** Joins again with the same name, for example after "Play here" or "Try again". */
  async retry(): Promise<void> {
    this.rejoinAttempt = 0;
    await this.connect();
  }

  /** Leaves the room on purpose, before the player switches to a different name. */
  async leave(): Promise<void> {
    window.clearTimeout(this.rejoinTimer);
    const room = this.room;
    this.room = null;
    if (room !== null) {
      await room.leave(true);
    }
    this.events.onState({ kind: "idle" });
  }

  private async connect(): Promise<void> {
    if (this.joining) {
      return;
    }
    window.clearTimeout(this.rejoinTimer);
    this.joining = true;
    try {
      const room = await this.joinWithFreshTokenOnRejection();
      this.adopt(room);
    } catch (error) {
      this.handleJoinFailure(toGameError(error));
    } finally {
      this.joining = false;
    }
  }

  /** Joins with the stored token. If the server rejects the token, drops it and tries once more as a new guest. */
  private async joinWithFreshTokenOnRejection(): Promise<ArenaRoom> {
    const identity = await this.ensureIdentity();
    try {
      return await this.join(identity);
    } catch (error) {
      const gameError = toGameError(error);
      if (!isTokenError(gameError.code)) {
        throw gameError;
      }
      clearIdentity();
      return await this.join(await this.ensureIdentity());
    }
  }

  private async ensureIdentity(): Promise<GuestIdentity> {
    const stored = loadIdentity();
    if (stored !== null && stored.name === this.name) {
      return stored;
    }
    this.events.onState({ kind: "creating-guest" });
    const identity = await createGuest(this.name);
    saveIdentity(identity);
    return identity;
  }

  private async join(identity: GuestIdentity): Promise<ArenaRoom> {
    this.events.onState({ kind: "connecting" });
    return await this.client.joinOrCreate<ArenaState>(ROOM_NAME, { token: identity.token });
  }

  private adopt(room: ArenaRoom): void {
    this.room = room;
    this.rejoinAttempt = 0;
    room.reconnection.maxRetries = RECONNECT_ATTEMPTS;
    room.onDrop(() => this.events.onState({ kind: "reconnecting" }));
    room.onReconnect(() => this.events.onState({ kind: "connected", room }));
    room.onLeave((code, reason) => this.handleLeave(room, code, reason ?? ""));
    this.events.onRoom(room);
    this.events.onState({ kind: "connected", room });
  }

  private handleLeave(room: ArenaRoom, code: number, reason: string): void {
    if (this.room !== room) {
      return;
    }
    this.room = null;
    const error = errorFromClose(code, reason);
    if (error === null) {
      this.events.onState({ kind: "idle" });
    } else if (error.code === "SERVER_RESTARTING" || error.code === "CONNECTION_LOST") {
      // The seat is gone but the guest token is still good, so joining a fresh room usually works.
      this.scheduleRejoin(error);
    } else {
      this.events.onState({ kind: "failed", error });
    }
  }

  private handleJoinFailure(error: GameError): void {
    // While a rejoin after a restart is under way, a server that is still down is expected.
    const stillDown = error.code === "SERVER_RESTARTING" || error.code === "SERVER_UNREACHABLE" || error.code === "UNAVAILABLE";
    if (stillDown && this.rejoinAttempt > 0) {
      this.scheduleRejoin(error);
      return;
    }
    this.events.onState({ kind: "failed", error });
  }

  /** Schedules the next rejoin after a growing delay, or gives up with the last error when the delays run out. */
  private scheduleRejoin(error: GameError): void {
    const delay = REJOIN_DELAYS_MS[this.rejoinAttempt];
    if (delay === undefined) {
      this.events.onState({ kind: "failed", error });
      return;
    }
    this.rejoinAttempt += 1;
    this.events.onState({ kind: "rejoining", at: Date.now() + delay, reason: error });
    this.rejoinTimer = window.setTimeout(() => void this.connect(), delay);
  }
}
