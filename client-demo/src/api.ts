/**
 * HTTP calls to the game server's REST API. Paths are relative, so the page talks to the origin
 * it was loaded from (the Vite dev server proxies them to the game server).
 */
import { GameError, errorFromResponse, toGameError } from "./errors.ts";
import { isGuestIdentity, type GuestIdentity } from "./identity.ts";

export interface LeaderboardEntry {
  rank: number;
  playerId: string;
  name: string;
  totalScore: number;
}

const REQUEST_TIMEOUT_MS = 8000;

/** Creates a guest player and returns its id and token together with the name it asked for. */
export async function createGuest(name: string): Promise<GuestIdentity> {
  const body = await requestJson("/api/guest", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  // Keep the name as typed: ArenaConnection compares it with the stored one to decide whether the
  // stored guest can be reused. The server's cleaned name arrives through the room state.
  const identity = { ...readObject(body), name };
  if (!isGuestIdentity(identity)) {
    throw new GameError("UNKNOWN", "The guest response has no playerId or token.");
  }
  return { playerId: identity.playerId, token: identity.token, name: identity.name };
}

/** Fetches the top entries of the all-time leaderboard, dropping malformed entries. */
export async function fetchLeaderboard(limit: number): Promise<LeaderboardEntry[]> {
  const body = await requestJson(`/api/leaderboard?limit=${limit}`, { method: "GET" });
  const entries = readObject(body).entries;
  if (!Array.isArray(entries)) {
    throw new GameError("UNKNOWN", "The leaderboard response has no entries list.");
  }
  return entries.filter(isLeaderboardEntry);
}

function isLeaderboardEntry(value: unknown): value is LeaderboardEntry {
  const record = readObject(value);
  return (
    Number.isFinite(record.rank) &&
    typeof record.playerId === "string" &&
    typeof record.name === "string" &&
    Number.isFinite(record.totalScore)
  );
}

function readObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

async function requestJson(path: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new GameError("SERVER_UNREACHABLE", toGameError(error).detail);
  }
  const body = await readBody(response);
  if (!response.ok) {
    throw errorFromResponse(response.status, body);
  }
  return body;
}

async function readBody(response: Response): Promise<unknown> {
  const type = response.headers.get("content-type") ?? "";
  try {
    return type.includes("json") ? await response.json() : await response.text();
  } catch {
    // A broken body still leaves the status code to report.
    return null;
  }
}
