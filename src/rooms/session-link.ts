import type { Client, Presence } from "@colyseus/core";
import type { SessionOwner, SessionRegistry } from "../cluster/session-registry.ts";
import type { Logger } from "../logger.ts";
import { SessionClosedMessage, SessionReplacedMessage, type ClusterChannels } from "./cluster-messages.ts";
import { CloseCodes } from "./error-codes.ts";

/** How long a new session waits for the node of the session it replaced to close it. */
const CLOSE_ACK_TIMEOUT_MS = 2000;

export interface SessionLinkOptions {
  roomId: string;
  nodeId: string;
  presence: Presence;
  sessions: SessionRegistry;
  channels: ClusterChannels;
  log: Logger;
  /** Returns the room's connected client with this session id, if any. */
  findClient: (sessionId: string) => Client | undefined;
  /** Called when a session of this room was replaced and closed, before it leaves. */
  onReplaced: (sessionId: string) => void;
}

type Listener = (payload: unknown) => void;

/**
 * A room's side of cluster-wide session ownership: claims a player on join, closes this room's
 * sessions that a newer join replaced (here or on another node), renews ownership, and
 * releases it on a normal leave.
 */
export class SessionLink {
  readonly #options: SessionLinkOptions;
  readonly #waitingForClose = new Map<string, () => void>();
  readonly #onReplacedMessage: Listener = (payload) => this.#handleReplaced(payload);
  readonly #onClosedMessage: Listener = (payload) => this.#handleClosed(payload);

  constructor(options: SessionLinkOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { presence, channels } = this.#options;
    await presence.subscribe(channels.sessionReplaced, this.#onReplacedMessage);
    await presence.subscribe(channels.sessionClosed, this.#onClosedMessage);
  }

  stop(): void {
    const { presence, channels } = this.#options;
    presence.unsubscribe(channels.sessionReplaced, this.#onReplacedMessage);
    presence.unsubscribe(channels.sessionClosed, this.#onClosedMessage);
  }

  /**
   * Claims the player for a joining session and returns its epoch. When another session was
   * live, it is closed first: at once when it is in this room, otherwise by asking its node and
   * waiting up to CLOSE_ACK_TIMEOUT_MS for the confirmation. After the timeout the new session
   * plays anyway, because the old one's writes are fenced by its older epoch.
   */
  async claim(playerId: string, sessionId: string): Promise<number> {
    const { sessions, nodeId, roomId, log } = this.#options;
    const claim = await sessions.claim({ playerId, nodeId, roomId, sessionId });
    if (claim.replaced) {
      log.info({ roomId, playerId, replacedSession: claim.replaced.sessionId, replacedNode: claim.replaced.nodeId, epoch: claim.epoch }, "player joined again; closing the older session");
      await this.#closeReplaced(claim.replaced);
    }
    return claim.epoch;
  }

  release(owner: SessionOwner): void {
    this.#options.sessions.release(owner.playerId, owner.sessionId, owner.epoch).catch((error: Error) => {
      this.#options.log.warn({ playerId: owner.playerId, sessionId: owner.sessionId, err: error.message }, "could not release session ownership");
    });
  }

  /** Renews ownership of the room's sessions and closes those that lost it. */
  async renew(owners: readonly SessionOwner[]): Promise<void> {
    let lost: SessionOwner[];
    try {
      lost = await this.#options.sessions.renew(owners);
    } catch (error) {
      this.#options.log.warn({ roomId: this.#options.roomId, err: (error as Error).message }, "could not renew session ownership; will retry");
      return;
    }
    for (const owner of lost) this.#closeLocal(owner.sessionId, "lost ownership");
  }

  async #closeReplaced(replaced: SessionOwner): Promise<void> {
    if (this.#options.findClient(replaced.sessionId)) {
      this.#closeLocal(replaced.sessionId, "replaced in the same room");
      return;
    }

    const { presence, channels, nodeId } = this.#options;
    const message: SessionReplacedMessage = { playerId: replaced.playerId, sessionId: replaced.sessionId, epoch: replaced.epoch, byNode: nodeId };
    // A node that no longer listens on its Colyseus process channel is gone, so no confirmation would arrive.
    if (!(await this.#nodeIsAlive(replaced.nodeId))) {
      await presence.publish(channels.sessionReplaced, message);
      return;
    }

    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#waitingForClose.delete(replaced.sessionId);
        resolve();
      }, CLOSE_ACK_TIMEOUT_MS);
      this.#waitingForClose.set(replaced.sessionId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await presence.publish(channels.sessionReplaced, message);
    await closed;
  }

  async #nodeIsAlive(nodeId: string): Promise<boolean> {
    try {
      return (await this.#options.presence.channels(`p:${nodeId}`)).length > 0;
    } catch {
      return true;
    }
  }

  #handleReplaced(payload: unknown): void {
    const parsed = SessionReplacedMessage.safeParse(payload);
    if (!parsed.success) {
      this.#options.log.warn({ channel: this.#options.channels.sessionReplaced }, "dropped an invalid session-replaced message");
      return;
    }
    if (!this.#options.findClient(parsed.data.sessionId)) return;
    this.#closeLocal(parsed.data.sessionId, "replaced on another node");
    void this.#options.presence.publish(this.#options.channels.sessionClosed, { sessionId: parsed.data.sessionId });
  }

  #handleClosed(payload: unknown): void {
    const parsed = SessionClosedMessage.safeParse(payload);
    if (!parsed.success) return;
    const resolve = this.#waitingForClose.get(parsed.data.sessionId);
    this.#waitingForClose.delete(parsed.data.sessionId);
    resolve?.();
  }

  #closeLocal(sessionId: string, reason: string): void {
    const client = this.#options.findClient(sessionId);
    if (!client) return;
    this.#options.onReplaced(sessionId);
    this.#options.log.info({ roomId: this.#options.roomId, sessionId, reason }, "closing a replaced session");
    client.leave(CloseCodes.SESSION_REPLACED, "SESSION_REPLACED: this player joined again from another tab or device");
  }
}
