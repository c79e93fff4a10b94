/**
 * Chat texts of the bots carry their send time, so a receiver in any bot process on the same
 * machine can compute the delivery delay. Epoch time with sub-millisecond precision from
 * `performance`; processes on one machine share the clock it derives from.
 */
const PREFIX = "lt ";
const STAMP = /^lt (\d+\.\d{3}) /;

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
