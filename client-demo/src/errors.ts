/**
 * Turns the different ways a failure reaches the client (HTTP error bodies, Colyseus matchmaking
 * errors, WebSocket close codes) into one error code with the server's own text as detail.
 */
import { SERVER_ERROR_CODES, isDisplayErrorCode, type DisplayErrorCode } from "./i18n.ts";

/** Close code the server uses when the same player joined from another connection. */
export const CLOSE_SESSION_REPLACED = 4100;
/** Close code the server uses when it shuts down for a restart. */
export const CLOSE_SERVER_RESTARTING = 4101;
/** Close code the server uses when a client sent more frames than its budget allows. */
export const CLOSE_FLOODING = 4102;
/** Colyseus close code for a server shutdown (CloseCode.SERVER_SHUTDOWN in @colyseus/shared-types 0.18). */
export const CLOSE_COLYSEUS_SHUTDOWN = 4001;
/** Colyseus close code for a leave the client asked for (CloseCode.CONSENTED). */
export const CLOSE_CONSENTED = 4000;
/** Colyseus close code after its automatic reconnection gave up (CloseCode.FAILED_TO_RECONNECT). */
export const CLOSE_FAILED_TO_RECONNECT = 4003;

/** Colyseus matchmaking code when a room's onAuth returned a falsy value (ErrorCode.AUTH_FAILED). */
const MATCHMAKE_AUTH_FAILED = 525;
/**
 * Colyseus matchmaking code for a joinById that cannot take the player (ErrorCode.MATCHMAKE_INVALID_ROOM_ID).
 * Colyseus 0.18 writes `room "<id>" is locked` for a full or locked room and `room "<id>" not found` otherwise.
 */
const MATCHMAKE_INVALID_ROOM_ID = 522;

export class GameError extends Error {
  override name = "GameError";

  constructor(
    readonly code: DisplayErrorCode,
    readonly detail: string,
  ) {
    super(detail === "" ? code : `${code}: ${detail}`);
  }
}

/** True for codes that mean the stored token is unusable and a new guest must be created. */
export function isTokenError(code: DisplayErrorCode): boolean {
  return code === "TOKEN_INVALID" || code === "TOKEN_EXPIRED" || code === "TOKEN_MISSING";
}

/** Finds the first known error code written anywhere in a server text, such as "ROOM_FULL: 16 players". */
export function findErrorCode(text: string): DisplayErrorCode | null {
  for (const code of SERVER_ERROR_CODES) {
    if (new RegExp(`\\b${code}\\b`).test(text)) {
      return code;
    }
  }
  return null;
}

/**
 * Reads an error response body. Accepted shapes: `{ error: "CODE", message }` (the game API),
 * `{ code, message }`, `{ error: { code, message } }` and plain text. Anything else falls back
 * to the HTTP status.
 */
export function errorFromResponse(status: number, body: unknown): GameError {
  const { codes, message } = readErrorFields(body);
  const known = codes.find(isDisplayErrorCode) ?? findErrorCode(`${codes.join(" ")} ${message}`);
  return new GameError(known ?? codeForHttpStatus(status), message);
}

function readErrorFields(body: unknown): { codes: string[]; message: string } {
  if (typeof body === "string") {
    return { codes: [], message: body.slice(0, 300) };
  }
  if (typeof body !== "object" || body === null) {
    return { codes: [], message: "" };
  }
  const record = body as Record<string, unknown>;
  if (typeof record.error === "object" && record.error !== null) {
    return readErrorFields(record.error);
  }
  const codes = [record.code, record.error].filter((value): value is string => typeof value === "string");
  const message = [record.message, record.error].find((value): value is string => typeof value === "string") ?? "";
  return { codes, message };
}

function codeForHttpStatus(status: number): DisplayErrorCode {
  if (status === 429) {
    return "RATE_LIMITED";
  }
  if (status === 503) {
    return "UNAVAILABLE";
  }
  if (status === MATCHMAKE_AUTH_FAILED) {
    return "TOKEN_INVALID";
  }
  return "UNKNOWN";
}

/**
 * Converts anything thrown by fetch or the Colyseus SDK. SDK errors carry the HTTP status or
 * close code as a number, so a non-numeric or missing code means the request never reached the server.
 */
export function toGameError(error: unknown): GameError {
  if (error instanceof GameError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = readNumericCode(error);
  const known = findErrorCode(message);
  if (known !== null) {
    return new GameError(known, message);
  }
  if (code === null || error instanceof TypeError) {
    return new GameError("SERVER_UNREACHABLE", message);
  }
  if (code === MATCHMAKE_INVALID_ROOM_ID) {
    return new GameError(/\blocked\b/.test(message) ? "ROOM_FULL" : "ROOM_NOT_FOUND", message);
  }
  return new GameError(codeForHttpStatus(code), message);
}

function readNumericCode(error: unknown): number | null {
  if (typeof error !== "object" || error === null || !("code" in error)) {
    return null;
  }
  const code = error.code;
  return typeof code === "number" && Number.isFinite(code) ? code : null;
}

/**
 * Maps a room's close code to an error, or null when the client itself asked to leave.
 * Reasons written by the server may name a code, which then wins over the generic mapping.
 */
export function errorFromClose(closeCode: number, reason: string): GameError | null {
  if (closeCode === CLOSE_CONSENTED) {
    return null;
  }
  if (closeCode === CLOSE_SESSION_REPLACED) {
    return new GameError("SESSION_REPLACED", reason);
  }
  if (closeCode === CLOSE_FLOODING) {
    return new GameError("FLOODING", reason);
  }
  if (closeCode === CLOSE_SERVER_RESTARTING || closeCode === CLOSE_COLYSEUS_SHUTDOWN) {
    return new GameError("SERVER_RESTARTING", reason);
  }
  const known = findErrorCode(reason);
  if (known !== null) {
    return new GameError(known, reason);
  }
  if (closeCode === CLOSE_FAILED_TO_RECONNECT || closeCode < 4000) {
    return new GameError("CONNECTION_LOST", reason);
  }
  return new GameError("UNKNOWN", reason);
}
