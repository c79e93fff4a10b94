import { pack, roomDataFrame, type WireValue } from "./wire.ts";

/** Returns a seeded PRNG (mulberry32) with values in [0, 1): the same seed gives the same frames. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, 4294967296, -1];
const NASTY_STRINGS = ["", "__proto__", "constructor", "\u0000", "\u202e", "chat", "_", "*", "welcome", "results", "\ud800", "💥".repeat(50)];
/** Colyseus protocol codes a client could send, plus a few that mean nothing. */
const PROTOCOL_CODES = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 0, 255];

/** Generates hostile frames from one seeded random source. */
export class FuzzFrames {
  constructor(private readonly random: () => number) {}

  #int(max: number): number {
    return Math.floor(this.random() * max);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)] as T;
  }

  #bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.#int(256));
  }

  #string(): string {
    if (this.random() < 0.3) return this.#pick(NASTY_STRINGS);
    const length = this.random() < 0.1 ? 500 + this.#int(3000) : this.#int(40);
    return Array.from({ length }, () => String.fromCharCode(this.#int(this.random() < 0.8 ? 128 : 0xffff))).join("");
  }

  /** Returns a random MessagePack value, nested up to depth 6, with the numbers and strings that break naive code. */
  value(depth = 0): WireValue {
    const kind = this.#int(depth > 5 ? 5 : 8);
    if (kind === 0) return null;
    if (kind === 1) return this.random() < 0.5;
    if (kind === 2) return this.random() < 0.5 ? this.#pick(NASTY_NUMBERS) : (this.random() - 0.5) * 10 ** this.#int(20);
    if (kind === 3) return this.#string();
    if (kind === 4) return this.#bytes(this.#int(64));
    if (kind === 5) return Array.from({ length: this.#int(6) }, () => this.value(depth + 1));
    // No prototype: the key "__proto__" must become an entry, not replace the prototype.
    const entries = Object.create(null) as Record<string, WireValue>;
    for (let index = this.#int(6); index > 0; index -= 1) entries[this.#string().slice(0, 40)] = this.value(depth + 1);
    if (kind === 6) entries.text = this.random() < 0.5 ? this.#string() : this.value(depth + 1);
    return entries;
  }

  /**
   * Returns one hostile frame. Most are well-formed MessagePack with hostile content, which
   * the room must survive while keeping the sender connected. About one in seven is malformed
   * (random bytes, a random protocol code, a truncated payload, or larger than any sane frame
   * limit), and Colyseus closes the sender's connection for those.
   */
  next(): Uint8Array {
    const roll = this.random();
    if (roll < 0.05) return this.#bytes(this.random() < 0.3 ? 5000 + this.#int(5000) : this.#int(600));
    if (roll < 0.1) return Uint8Array.of(this.#pick(PROTOCOL_CODES), ...this.#bytes(this.#int(64)));
    let type: string | number = this.#pick(NASTY_NUMBERS);
    if (this.random() < 0.7) type = this.random() < 0.5 ? "chat" : this.#string().slice(0, 60);
    const payload = pack(this.value());
    // A truncated payload is MessagePack that ends in the middle of a value.
    const body = roll < 0.15 ? payload.subarray(0, this.#int(payload.length)) : payload;
    const frame = roomDataFrame(type, body);
    if (roll > 0.95) frame[0] = 21; // ROOM_REQUEST: same layout after a request id, which these bytes fake
    return frame;
  }
}
