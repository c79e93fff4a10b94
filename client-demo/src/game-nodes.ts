/**
 * The game servers (nodes) known to this page: the one that served the page, plus every node
 * whose public address appeared in a lobby listing, and the arenas the lobby listed last.
 * When the node that served the page dies, the page can no longer reach it, so matchmaking
 * moves on to the other known nodes.
 */
import { Client, type Room } from "@colyseus/sdk";
import type { ArenaListing } from "./arena-listing.ts";

/** Maximum wait for one matchmaking request, so a node that stopped responding is skipped in time. */
const REQUEST_TIMEOUT_MS = 5000;
/** How long a node that refused a connection is tried only after every other node. */
const DOWN_PENALTY_MS = 30_000;

export class GameNodes {
  private readonly origin = window.location.origin;
  private readonly learned: string[] = [];
  private readonly downUntil = new Map<string, number>();
  private readonly clients = new Map<string, Client>();
  /** The node that served the last request. Asking it first keeps the page on a node that works. */
  private preferred: string | null = null;
  private arenas: readonly ArenaListing[] = [];

  /** Keeps the lobby's latest listings, which stay known after the page leaves the lobby, and learns their nodes. */
  learnListings(listings: readonly ArenaListing[]): void {
    this.arenas = listings;
    for (const listing of listings) {
      this.learn(listing.publicAddress);
    }
  }

  /** The arenas of the lobby's latest list; they may have changed since the page left the lobby. */
  get knownArenas(): readonly ArenaListing[] {
    return this.arenas;
  }

  /** Remembers a node by its public address (host:port, as the server's PUBLIC_ADDRESS sets it). */
  learn(publicAddress: string | null | undefined): void {
    if (publicAddress === undefined || publicAddress === null || publicAddress === "") {
      return;
    }
    const baseUrl = this.baseUrl(publicAddress);
    if (baseUrl !== this.origin && !this.learned.includes(baseUrl)) {
      this.learned.push(baseUrl);
    }
  }

  /**
   * Returns the base URLs to ask, best first: the node that served the last request, the page's
   * own node, then the learned nodes. Nodes that recently refused a connection come last instead of first.
   */
  candidates(): string[] {
    const all = unique([...(this.preferred === null ? [] : [this.preferred]), this.origin, ...this.learned]);
    const now = Date.now();
    const isDown = (baseUrl: string) => (this.downUntil.get(baseUrl) ?? 0) > now;
    return [...all.filter((baseUrl) => !isDown(baseUrl)), ...all.filter(isDown)];
  }

  /** Returns the base URL for a public address, with the page's scheme, so an https page uses https. */
  baseUrl(publicAddress: string): string {
    return `${window.location.protocol}//${publicAddress}`;
  }

  /** Returns the known nodes other than `baseUrl`, in the order of candidates(). */
  others(baseUrl: string): string[] {
    return this.candidates().filter((candidate) => candidate !== baseUrl);
  }

  markAnswered(baseUrl: string): void {
    this.preferred = baseUrl;
    this.downUntil.delete(baseUrl);
  }

  /** True while the node at `publicAddress` counts as down after refusing a connection. */
  isDown(publicAddress: string): boolean {
    return (this.downUntil.get(this.baseUrl(publicAddress)) ?? 0) > Date.now();
  }

  markDown(baseUrl: string): void {
    this.downUntil.set(baseUrl, Date.now() + DOWN_PENALTY_MS);
    if (this.preferred === baseUrl) {
      this.preferred = null;
    }
  }

  /** Returns the SDK client for matchmaking through `baseUrl`, created once per node. */
  client(baseUrl: string): Client {
    let client = this.clients.get(baseUrl);
    if (client === undefined) {
      client = new Client(baseUrl, { fetchFn: fetchWithTimeout });
      this.clients.set(baseUrl, client);
    }
    return client;
  }
}

/**
 * Returns the address (host:port) of the node that runs a joined room, read from its socket URL
 * (`ws://host:port/<processId>/<roomId>?...`).
 * NOTE: a PUBLIC_ADDRESS with a path prefix (host/prefix) loses the prefix here.
 */
export function roomAddress(room: Room): string | null {
  const url = room.connection?.url;
  return url === undefined ? null : new URL(url).host;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * fetch with a deadline. A timeout is rethrown as a TypeError, the error fetch itself raises
 * for a refused connection, so the SDK and toGameError report both as an unreachable server.
 */
async function fetchWithTimeout(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new TypeError(`no response within ${REQUEST_TIMEOUT_MS} ms`);
    }
    throw error;
  }
}
