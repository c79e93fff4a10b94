/**
 * Error and close codes the server sends to clients; `client-demo` maps each to a message in
 * English and Chinese. Numbers above 4100 stay clear of Colyseus's own 4000-4010 close codes.
 */
export const ErrorCodes = {
  TOKEN_MISSING: 4401,
  TOKEN_INVALID: 4402,
  TOKEN_EXPIRED: 4403,
  ROOM_FULL: 4409,
  /** Close code: the same player joined again elsewhere and this session was replaced. */
  SESSION_REPLACED: 4100,
  /** Close code: the node is restarting; the client should join again (it lands on another node). */
  SERVER_RESTARTING: 4101,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;
