/**
 * Codes the server sends to clients; `client-demo` maps each to a message in English and Chinese.
 *
 * Join rejections travel through Colyseus's HTTP matchmaking, where the numeric code becomes
 * the HTTP status, so they use HTTP statuses and put the exact code first in the message:
 * "TOKEN_EXPIRED: token expired; ...".
 */
export type JoinErrorCode = "TOKEN_MISSING" | "TOKEN_INVALID" | "TOKEN_EXPIRED";

/** HTTP status of each join rejection. */
export const JoinErrorStatus: Record<JoinErrorCode, number> = {
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
};

/** WebSocket close codes of our own; above 4100 to stay clear of Colyseus's 4000-4010. */
export const CloseCodes = {
  /** The same player joined again elsewhere and this session was replaced. */
  SESSION_REPLACED: 4100,
  /** The node is restarting; the client should join again and lands on another node. */
  SERVER_RESTARTING: 4101,
  /** The client sent more frames than its budget allows. */
  FLOODING: 4102,
} as const;

/** Returns the code at the start of an error message such as "TOKEN_EXPIRED: ...", if any. */
export function errorCodeOf(message: string): string | undefined {
  return /^([A-Z][A-Z_]+):/.exec(message)?.[1];
}
