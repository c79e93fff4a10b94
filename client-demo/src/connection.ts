/**
 * The network session: guest login and joining an arena, by Quick play or a chosen one. It
 * also covers every state the connection can be in afterwards. These are SDK reconnection, the
 * move to another node when the room's node dies, rejoin after a server restart, and failures.
 */
import type { Room } from "@colyseus/sdk";
import type { ArenaState } from "../../src/rooms/schema/ArenaState.ts";
import { createGuest } from "./api.ts";
import { ARENA_ROOM_NAME, pickRejoinArena } from "./arena-listing.ts";
import { GameError, errorFromClose, isTokenError, toGameError } from "./errors.ts";
import { roomAddress, type GameNodes } from "./game-nodes.ts";
import type { DisplayErrorCode } from "./i18n.ts";
import { clearIdentity, loadIdentity, saveIdentity, type GuestIdentity } from "./identity.ts";
import { NodeFailureWatch } from "./node-failure-watch.ts";
import { requestFromAnyNode } from "./node-requests.ts";

export type ArenaRoom = Room<unknown, ArenaState>;

/**
 * Quick play joins the fullest open arena or creates one; an arena target joins that room.
 * A rejoin, after the room was lost, tries a listed arena on a node still up before Quick play.
 */
export type JoinTarget = { kind: "quick" } | { kind: "arena"; roomId: string } | { kind: "rejoin" };

export const QUICK_PLAY: JoinTarget = { kind: "quick" };

export type ConnectionState =
  | { kind: "idle" }
  | { kind: "creating-guest" }
  | { kind: "connecting" }
  | { kind: "connected"; room: ArenaRoom }
  | { kind: "reconnecting" }
  /** An automatic rejoin: the next attempt starts at `at`, or is under way when `at` has passed. */
  | { kind: "rejoining"; at: number; reason: GameError }
  | { kind: "failed"; error: GameError };

export interface ConnectionEvents {
  onState(state: ConnectionState): void;
  /** Called once for every successful join, including rejoins, so the game binds the new room. */
  onRoom(room: ArenaRoom): void;
}

/**
 * SDK reconnection attempts after a dropped connection. With the SDK's exponential backoff
 * (0.2 s doubling, at most 5 s) eight attempts span about 21 s, just past the 20 s for which
 * the server keeps a dropped seat by default (RECONNECT_SECONDS).
 */
const RECONNECT_ATTEMPTS = 8;
/**
 * The first automatic rejoin waits a random time up to this many ms, so the players of a
 * stopped node do not all ask the other nodes for a seat in the same instant.
 */
const FIRST_REJOIN_MAX_MS = 800;
/** Waits before each further rejoin attempt. The last entry is the final attempt. */
const REJOIN_DELAYS_MS = [1500, 3000, 5000, 8000, 12000];
/** Failures that end an automatic rejoin at once, because another attempt cannot help. */
const FINAL_ERRORS: ReadonlySet<DisplayErrorCode> = new Set(["NAME_INVALID", "SESSION_REPLACED", "FLOODING"]);
/** Maximum wait for the server to confirm a leave, because a dead node never confirms. */
const LEAVE_TIMEOUT_MS = 1000;

export class ArenaConnection {
  private room: ArenaRoom | null = null;
  private name = "";
  private joinTarget: JoinTarget = QUICK_PLAY;
  /** Reason for the automatic rejoin under way, or null while the player drives the joins. */
  private rejoinReason: GameError | null = null;
  private rejoinAttempt = 0;
  private rejoinTimer: number | undefined;
  private failureWatch: NodeFailureWatch | null = null;
  /** Changes on every start, retry and leave, so a join that finishes after them is dropped. */
  private generation = 0;
  /** Generation of the join in flight, so a double click on "Try again" does not join twice. */
  private joiningGeneration: number | null = null;

  constructor(
    private readonly nodes: GameNodes,
    private readonly events: ConnectionEvents,
  ) {}

  /** The target of the last or current join, "rejoin" once an automatic rejoin began. */
  get target(): JoinTarget {
    return this.joinTarget;
  }

  /** Logs in as `name` (reusing the stored guest when the name matches) and joins `target`. */
  async start(name: string, target: JoinTarget): Promise<void> {
    this.name = name;
    this.joinTarget = target;
    this.resetRejoin();
    await this.connect();
  }

  /** Joins the last target again, for example after "Play here" or "Try again". */
  async retry(): Promise<void> {
    if (this.joiningGeneration !== null) {
      return;
    }
    this.resetRejoin();
    await this.connect();
  }

  /** Leaves the room on purpose, before the player picks another arena or name. */
  async leave(): Promise<void> {
    this.resetRejoin();
    this.stopFailureWatch();
    const room = this.room;
    this.room = null;
    if (room !== null) {
      await Promise.race([room.leave(true), new Promise((resolve) => window.setTimeout(resolve, LEAVE_TIMEOUT_MS))]);
    }
    this.events.onState({ kind: "idle" });
  }

  private async connect(): Promise<void> {
    const generation = this.generation;
    if (this.joiningGeneration === generation) {
      return;
    }
    window.clearTimeout(this.rejoinTimer);
    this.joiningGeneration = generation;
    try {
      const room = await this.joinWithFreshTokenOnRejection();
      if (generation === this.generation) {
        this.adopt(room);
      } else {
        void room.leave(true);
      }
    } catch (error) {
      if (generation === this.generation) {
        this.handleJoinFailure(toGameError(error));
      }
    } finally {
      if (this.joiningGeneration === generation) {
        this.joiningGeneration = null;
      }
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

  // NOTE: the guest is created at the page's own node. After that node died, a rejected token
  // cannot be replaced, so such a rejoin ends in SERVER_UNREACHABLE.
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
    // During an automatic rejoin the banner keeps saying why, instead of a blocking card.
    if (this.rejoinReason === null) {
      this.events.onState({ kind: "connecting" });
    }
    const target = this.joinTarget;
    const options = { token: identity.token };
    if (target.kind === "arena") {
      return await this.joinById(target.roomId, options);
    }
    const listed = target.kind === "rejoin" && this.rejoinAttempt === 1 ? await this.joinListedArena(options) : null;
    return listed ?? (await requestFromAnyNode(this.nodes, (client) => client.joinOrCreate<ArenaState>(ARENA_ROOM_NAME, options)));
  }

  private async joinById(roomId: string, options: { token: string }): Promise<ArenaRoom> {
    return await requestFromAnyNode(this.nodes, (client) => client.joinById<ArenaState>(roomId, options));
  }

  /**
   * Joins an arena from the lobby's last list on a node still up, or returns null. Quick play
   * could pick a room of the dead node, which stays listed until a node notices the death, and
   * a seat request to it waits out Colyseus's 2 s presence timeout (Colyseus 0.18). A failure
   * here is not final, because Quick play comes next.
   */
  private async joinListedArena(options: { token: string }): Promise<ArenaRoom | null> {
    const listing = pickRejoinArena(this.nodes.knownArenas, (address) => this.nodes.isDown(address));
    if (listing === null) {
      return null;
    }
    try {
      return await this.joinById(listing.roomId, options);
    } catch (error) {
      console.warn(`Could not rejoin through the listed arena ${listing.roomId}; trying Quick play:`, error);
      return null;
    }
  }

  private adopt(room: ArenaRoom): void {
    this.room = room;
    this.resetRejoin();
    this.nodes.learn(roomAddress(room));
    room.reconnection.maxRetries = RECONNECT_ATTEMPTS;
    room.onDrop(() => this.handleDrop(room));
    room.onReconnect(() => {
      this.stopFailureWatch();
      this.events.onState({ kind: "connected", room });
    });
    room.onLeave((code, reason) => this.handleLeave(room, code, reason ?? ""));
    this.events.onRoom(room);
    this.events.onState({ kind: "connected", room });
  }

  /**
   * Reports the drop and starts the node failure watch. The SDK calls onDrop again after each
   * failed reconnection attempt, so the watch starts only once per outage.
   */
  private handleDrop(room: ArenaRoom): void {
    if (this.room !== room) {
      return;
    }
    this.events.onState({ kind: "reconnecting" });
    const address = roomAddress(room);
    if (this.failureWatch !== null || address === null) {
      return;
    }
    const node = this.nodes.baseUrl(address);
    this.failureWatch = new NodeFailureWatch(node, () => this.nodes.others(node), () => this.leaveDeadNode(room, node));
    this.failureWatch.start();
  }

  /** Gives up the seat on a node that died, because its rooms died with it, and joins elsewhere. */
  private leaveDeadNode(room: ArenaRoom, node: string): void {
    this.failureWatch = null;
    if (this.room !== room) {
      return;
    }
    this.room = null;
    this.nodes.markDown(node);
    // Ends the SDK's remaining attempts: the next one fails and leaves, which handleLeave ignores.
    room.reconnection.enabled = false;
    this.startRejoin(new GameError("NODE_DOWN", `the game server at ${node} stopped answering`));
  }

  private handleLeave(room: ArenaRoom, code: number, reason: string): void {
    if (this.room !== room) {
      return;
    }
    this.room = null;
    this.stopFailureWatch();
    const error = errorFromClose(code, reason);
    if (error === null) {
      this.events.onState({ kind: "idle" });
    } else if (error.code === "SERVER_RESTARTING" || error.code === "CONNECTION_LOST") {
      // A stopping node may still answer for a moment, so the other nodes are asked first.
      const address = error.code === "SERVER_RESTARTING" ? roomAddress(room) : null;
      if (address !== null) {
        this.nodes.markDown(this.nodes.baseUrl(address));
      }
      // The seat is gone but the guest token is still good, so joining a fresh room usually works.
      this.startRejoin(error);
    } else {
      this.events.onState({ kind: "failed", error });
    }
  }

  private handleJoinFailure(error: GameError): void {
    const reason = this.rejoinReason;
    if (reason === null || FINAL_ERRORS.has(error.code)) {
      this.resetRejoin();
      this.events.onState({ kind: "failed", error });
      return;
    }
    const delay = REJOIN_DELAYS_MS[this.rejoinAttempt - 1];
    if (delay === undefined) {
      this.resetRejoin();
      // After a dead node, "no server reachable" says more than the last attempt's own error.
      const unreachable = error.code === "SERVER_UNREACHABLE" && reason.code === "NODE_DOWN";
      this.events.onState({ kind: "failed", error: unreachable ? reason : error });
      return;
    }
    this.scheduleRejoin(delay);
  }

  /** Starts an automatic rejoin. The old room is gone, so the rejoin looks for another arena. */
  private startRejoin(reason: GameError): void {
    this.joinTarget = { kind: "rejoin" };
    this.rejoinReason = reason;
    this.rejoinAttempt = 0;
    this.scheduleRejoin(Math.random() * FIRST_REJOIN_MAX_MS);
  }

  private scheduleRejoin(delay: number): void {
    const reason = this.rejoinReason;
    if (reason === null) {
      return;
    }
    this.rejoinAttempt += 1;
    this.events.onState({ kind: "rejoining", at: Date.now() + delay, reason });
    this.rejoinTimer = window.setTimeout(() => void this.connect(), delay);
  }

  private resetRejoin(): void {
    window.clearTimeout(this.rejoinTimer);
    this.rejoinReason = null;
    this.rejoinAttempt = 0;
    this.generation += 1;
  }

  private stopFailureWatch(): void {
    this.failureWatch?.stop();
    this.failureWatch = null;
  }
}
