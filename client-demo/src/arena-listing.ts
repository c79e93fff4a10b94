/**
 * Arena listings as Colyseus's LobbyRoom sends them: `rooms` with the full list on join, then
 * `+` `[roomId, listing]` for a new or changed room and `-` roomId for a removed one. The
 * listings come from another process, so each one is validated and malformed ones are dropped.
 */

export interface ArenaListing {
  roomId: string;
  clients: number;
  maxClients: number;
  /** Colyseus process id of the node that runs the room. */
  processId: string;
  /** host:port of that node (its PUBLIC_ADDRESS), absent on a server without one. */
  publicAddress: string | undefined;
  /** Epoch milliseconds of the room's creation, 0 when the listing has none. */
  createdAt: number;
  /** True when the listing marks the room as taking no one. Only some encodings include the flag. */
  locked: boolean;
}

/** Name of the arena room type, which the lobby lists and matchmaking joins. */
export const ARENA_ROOM_NAME = "arena";

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** Validates one listing; rooms of other types than the arena count as malformed here. */
export function parseArenaListing(value: unknown): ArenaListing | null {
  const record = asRecord(value);
  if (record === null) {
    return null;
  }
  const { roomId, clients, maxClients, processId, publicAddress, name, createdAt, locked } = record;
  if (typeof roomId !== "string" || roomId === "" || typeof processId !== "string" || name !== ARENA_ROOM_NAME) {
    return null;
  }
  if (!isCount(clients) || !isCount(maxClients)) {
    return null;
  }
  return {
    roomId,
    clients,
    maxClients,
    processId,
    publicAddress: typeof publicAddress === "string" && publicAddress !== "" ? publicAddress : undefined,
    createdAt: parseCreatedAt(createdAt),
    locked: locked === true,
  };
}

/** Depending on the driver and the encoding, the creation time arrives as a Date, an ISO string or a number. */
function parseCreatedAt(value: unknown): number {
  if (value instanceof Date) {
    return Number.isFinite(value.getTime()) ? value.getTime() : 0;
  }
  if (typeof value === "number" && Number.isFinite(value)) {
    return value;
  }
  const parsed = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : 0;
}

/** Validates the `rooms` message, keeping the well-formed arena listings. */
export function parseListingList(value: unknown): ArenaListing[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.map(parseArenaListing).filter((listing): listing is ArenaListing => listing !== null);
}

/** Validates a `+` message, `[roomId, listing]`. */
export function parseListingUpdate(value: unknown): ArenaListing | null {
  if (!Array.isArray(value) || value.length !== 2) {
    return null;
  }
  const listing = parseArenaListing(value[1]);
  return listing !== null && listing.roomId === value[0] ? listing : null;
}

/** Validates a `-` message, the removed room's id. */
export function parseListingRemoval(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Oldest first, so rows keep their places while rooms come and go. */
export function compareListings(a: ArenaListing, b: ArenaListing): number {
  return a.createdAt - b.createdAt || a.roomId.localeCompare(b.roomId);
}

/** True when a join would be rejected as full, according to the listing. */
export function isFull(listing: ArenaListing): boolean {
  return listing.locked || listing.clients >= listing.maxClients;
}

/**
 * Picks the arena to rejoin after the player's node stopped: the fullest listed one with a free
 * seat on a node that is not known to be down, as Quick play would choose, or null. Listings without
 * a public address are skipped, because their node cannot be checked.
 */
export function pickRejoinArena(listings: readonly ArenaListing[], isNodeDown: (publicAddress: string) => boolean): ArenaListing | null {
  const open = listings.filter((listing) => !isFull(listing) && listing.publicAddress !== undefined && !isNodeDown(listing.publicAddress));
  return [...open].sort((a, b) => b.clients - a.clients)[0] ?? null;
}
