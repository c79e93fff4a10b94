/**
 * Just enough of Colyseus's wire format to write frames by hand: a ROOM_DATA frame is the
 * byte 13, the message type (a MessagePack string or number) and a MessagePack payload.
 */

/** A value the encoder can write; `bytes` become MessagePack bin. */
export type WireValue = null | boolean | number | string | Uint8Array | WireValue[] | { [key: string]: WireValue };

export const ROOM_DATA = 13;

function header(bytes: number[], small: number, smallMax: number, codes: [number, number, number], length: number): void {
  if (length <= smallMax) bytes.push(small | length);
  else if (length < 0x100 && codes[0] !== 0) bytes.push(codes[0], length);
  else if (length < 0x10000) bytes.push(codes[1], length >> 8, length & 0xff);
  else bytes.push(codes[2], (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

function writeNumber(bytes: number[], value: number): void {
  if (Number.isInteger(value) && value >= 0 && value < 0x80) {
    bytes.push(value);
    return;
  }
  // Everything else as float64, which also carries NaN, infinities and huge integers.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  bytes.push(0xcb, ...new Uint8Array(view.buffer));
}

function write(bytes: number[], value: WireValue): void {
  if (value === null) bytes.push(0xc0);
  else if (typeof value === "boolean") bytes.push(value ? 0xc3 : 0xc2);
  else if (typeof value === "number") writeNumber(bytes, value);
  else if (typeof value === "string") {
    const utf8 = Buffer.from(value, "utf8");
    header(bytes, 0xa0, 31, [0xd9, 0xda, 0xdb], utf8.length);
    for (const byte of utf8) bytes.push(byte);
  } else if (value instanceof Uint8Array) {
    header(bytes, 0, -1, [0xc4, 0xc5, 0xc6], value.length);
    for (const byte of value) bytes.push(byte);
  } else if (Array.isArray(value)) {
    header(bytes, 0x90, 15, [0, 0xdc, 0xdd], value.length);
    for (const item of value) write(bytes, item);
  } else {
    const entries = Object.entries(value);
    header(bytes, 0x80, 15, [0, 0xde, 0xdf], entries.length);
    for (const [key, item] of entries) {
      write(bytes, key);
      write(bytes, item);
    }
  }
}

/** Encodes one value as MessagePack. */
export function pack(value: WireValue): Uint8Array {
  const bytes: number[] = [];
  write(bytes, value);
  return Uint8Array.from(bytes);
}

/** Builds a ROOM_DATA frame of `type` with `payload` bytes (already encoded, possibly invalid). */
export function roomDataFrame(type: string | number, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const typeBytes = pack(type);
  const frame = new Uint8Array(1 + typeBytes.length + payload.length);
  frame[0] = ROOM_DATA;
  frame.set(typeBytes, 1);
  frame.set(payload, 1 + typeBytes.length);
  return frame;
}
