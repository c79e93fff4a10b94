import { Protocol } from "@colyseus/sdk";

/**
 * The few facts of the Colyseus 0.18 wire format the lean bots read themselves, so that most
 * bots never run the schema decoder. Byte 0 of every server frame is the protocol code in bits
 * 0..4 with modifier flags in bits 5..7. Rooms that call `defineInput()` set the TIMED flag on
 * state frames and put `[uint32 serverNowMs][uint32 lastConsumedInput]` (little endian) right
 * after byte 0; the second number counts the inputs the room has taken from this client's buffer.
 */
const CODE_MASK = 0x1f;
const TIMED_FLAG = 0x80;
const TIMED_ACK_OFFSET = 5;

export interface FrameHead {
  code: number;
  /** Inputs the server has consumed from this client when it built the frame; undefined without TIMED. */
  consumed: number | undefined;
}

export function readFrameHead(bytes: Uint8Array): FrameHead {
  const first = bytes[0] ?? 0;
  const code = first & CODE_MASK;
  if ((first & TIMED_FLAG) === 0 || bytes.length < TIMED_ACK_OFFSET + 4) return { code, consumed: undefined };
  const consumed =
    (bytes[TIMED_ACK_OFFSET]! |
      (bytes[TIMED_ACK_OFFSET + 1]! << 8) |
      (bytes[TIMED_ACK_OFFSET + 2]! << 16) |
      (bytes[TIMED_ACK_OFFSET + 3]! << 24)) >>>
    0;
  return { code, consumed };
}

/** True for full-state and patch frames: the frames that carry the room state. */
export function isStateFrame(code: number): boolean {
  return code === Protocol.ROOM_STATE || code === Protocol.ROOM_STATE_PATCH;
}

export function isPatchFrame(code: number): boolean {
  return code === Protocol.ROOM_STATE_PATCH;
}
