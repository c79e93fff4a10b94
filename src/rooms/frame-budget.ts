import type { Client, Room } from "@colyseus/core";
import { TokenBucket } from "./rules/token-bucket.ts";

/** Frames per second and burst size a client may send before it is disconnected for flooding. */
export interface FrameBudgetSettings {
  burst: number;
  perSecond: number;
}

type FrameHandler = (client: Client, buffer: Uint8Array) => void;
type RoomInternals = { _onMessage?: FrameHandler };

/**
 * Meters every frame a client sends (inputs, messages, pings) with a token bucket per session,
 * in front of Colyseus's own per-client frame handler.
 */
export class FrameBudget {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #settings: FrameBudgetSettings;

  private constructor(settings: FrameBudgetSettings) {
    this.#settings = settings;
  }

  /**
   * Puts a budget in front of the room's frame handler. Call it in onCreate: Colyseus binds
   * the handler to each client when it joins. `onOverBudget` runs instead of the handler for
   * a frame over budget and should disconnect the client.
   * NOTE: `_onMessage` is internal to @colyseus/core 0.18.17; this throws at room creation if
   * an upgrade renames it.
   */
  static install(room: Room, settings: FrameBudgetSettings, onOverBudget: (client: Client) => void): FrameBudget {
    const internals = room as unknown as RoomInternals;
    const colyseusHandler = internals._onMessage;
    if (typeof colyseusHandler !== "function") {
      throw new Error("@colyseus/core no longer has Room._onMessage; update src/rooms/frame-budget.ts");
    }

    const budget = new FrameBudget(settings);
    internals._onMessage = (client, buffer) => {
      if (budget.admit(client.sessionId, Date.now())) {
        colyseusHandler.call(room, client, buffer);
      } else {
        onOverBudget(client);
      }
    };
    return budget;
  }

  /** Returns false when the client is over budget. */
  admit(sessionId: string, now: number): boolean {
    let bucket = this.#buckets.get(sessionId);
    if (!bucket) {
      bucket = new TokenBucket(this.#settings.burst, this.#settings.perSecond, now);
      this.#buckets.set(sessionId, bucket);
    }
    return bucket.take(now);
  }

  forget(sessionId: string): void {
    this.#buckets.delete(sessionId);
  }
}
