import { Protocol, type Client, type Room } from "@colyseus/core";

type FrameHandler = (client: Client, buffer: Uint8Array) => void;
type RoomInternals = { _onMessage?: FrameHandler };

/** Low bits of a frame's first byte, which hold the protocol code. The high bits are modifiers. */
const PROTOCOL_CODE_BITS = 0b11111;

/**
 * Drops input frames of the unreliable channel before Colyseus decodes them. The arena's
 * clients send inputs on the reliable channel only. @colyseus/schema's `InputDecoder.decodeAll`
 * (5.0.34) loops for ever on an unreliable packet whose length field moves its read offset
 * backwards, which would freeze the whole process with one frame.
 * NOTE: `_onMessage` is internal to @colyseus/core 0.18; this throws at room creation if an
 * upgrade renames it, as FrameBudget does.
 */
export function dropUnreliableInputs(room: Room, onDropped: (client: Client) => void): void {
  const internals = room as unknown as RoomInternals;
  const colyseusHandler = internals._onMessage;
  if (typeof colyseusHandler !== "function") {
    throw new Error("@colyseus/core no longer has Room._onMessage; update src/rooms/input-frame-filter.ts");
  }
  internals._onMessage = (client, buffer) => {
    if (((buffer[0] ?? 0) & PROTOCOL_CODE_BITS) === Protocol.ROOM_INPUT_UNRELIABLE) {
      onDropped(client);
      return;
    }
    colyseusHandler.call(room, client, buffer);
  };
}
