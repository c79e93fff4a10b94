/**
 * Chat texts of the bots carry their send time, so a receiver in any bot process on the same
 * machine can compute the delivery delay. The time is epoch ms with sub-millisecond precision,
 * `performance.timeOrigin + performance.now()`. Every process on the machine reads the same
 * kernel clocks, and Linux slews CLOCK_MONOTONIC (behind `performance.now()`) together with
 * the wall clock, so stamps from different bot processes agree unless the wall clock is stepped
 * during the run. `Date.now()` would agree as well but only to the millisecond, which is the
 * size of the delays measured here.
 */
const PREFIX = "lt ";
const STAMP = /^lt (\d+\.\d{3}) /;
/** Global texts add the sender's node and a message id: `lt <ms> g <node> <id> hello from <bot>`. */
const GLOBAL_STAMP = /^lt (\d+\.\d{3}) g (\S+) (\S+) /;

export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function stampedChatText(botName: string): string {
  return `${PREFIX}${epochNowMs().toFixed(3)} hello from ${botName}`;
}

/** Delay in ms of a received chat text, or undefined when it was not sent by a bot. */
export function chatDelayMs(text: unknown, receivedAtMs: number): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = STAMP.exec(text);
  return match?.[1] === undefined ? undefined : receivedAtMs - Number(match[1]);
}

/** Fields a receiver reads from a bot's global chat text. */
export interface GlobalChatStamp {
  sentAtMs: number;
  /** Node (`host:port` of its WebSocket) that runs the sender's room. */
  senderNode: string;
  /** Unique per sending bot and message, so a receiver can count each message once. */
  messageId: string;
}

/**
 * Text of a global chat message. `senderNode` and `messageId` must not contain whitespace,
 * because the server collapses whitespace runs in chat texts and the parser splits on them.
 */
export function stampedGlobalChatText(botName: string, senderNode: string, messageId: string, atMs = epochNowMs()): string {
  return `${PREFIX}${atMs.toFixed(3)} g ${senderNode} ${messageId} hello from ${botName}`;
}

/** Reads the stamp of a global chat text, or returns undefined when a bot did not send it. */
export function readGlobalChatStamp(text: unknown): GlobalChatStamp | undefined {
  if (typeof text !== "string") return undefined;
  const match = GLOBAL_STAMP.exec(text);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return undefined;
  return { sentAtMs: Number(match[1]), senderNode: match[2], messageId: match[3] };
}
