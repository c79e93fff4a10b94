import type { Room } from "@colyseus/sdk";

/**
 * Hooks a bot runs on each frame from the server before the SDK receives it. `before` returns
 * false to keep the frame from the SDK entirely (lean bots drop state frames, so the schema
 * decoder never runs for them); `after` runs once the SDK has handled a frame it was given.
 */
export interface FrameObserver {
  before(bytes: Uint8Array): boolean;
  after(): void;
}

interface MessageLike {
  data: ArrayBuffer;
}

/**
 * Puts `observer` in front of the room's message handler. The SDK's WebSocket transport looks
 * up `connection.events.onmessage` on every frame, so replacing it after the join resolved
 * affects every later frame, starting with the first full state.
 */
export function tapFrames(room: Room, observer: FrameObserver): void {
  const events = room.connection.events;
  const original = events.onmessage;
  if (!original) throw new Error("room connection has no message handler to tap");
  events.onmessage = (event: MessageLike) => {
    if (!observer.before(new Uint8Array(event.data))) return;
    original(event);
    observer.after();
  };
}
