/**
 * The server refills a player's chat allowance at 1 message per second after a burst of 5
 * (src/rooms/chat-guard.ts). Gaps of at least this long never empty the burst, whereas plain
 * exponential gaps at 20 a minute now and then bunch six messages into two seconds, and the
 * server rejects the sixth.
 */
export const MIN_CHAT_GAP_MS = 1000;

/**
 * Next chat time of a bot that chats `perMinute` times a minute on average: a fixed gap of
 * MIN_CHAT_GAP_MS (or the whole mean gap, when that is shorter) plus an exponential rest.
 * Returns Infinity when chat is off.
 */
export function nextChatAt(nowMs: number, perMinute: number): number {
  if (perMinute <= 0) return Number.POSITIVE_INFINITY;
  const meanGapMs = 60_000 / perMinute;
  const fixedGapMs = Math.min(MIN_CHAT_GAP_MS, meanGapMs);
  return nowMs + fixedGapMs - Math.log(1 - Math.random()) * (meanGapMs - fixedGapMs);
}
