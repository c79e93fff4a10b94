/**
 * The connection to Colyseus's lobby room while the player chooses an arena. It keeps the
 * arena listings of every node up to date and hands them to GameNodes, because the page needs
 * the other nodes' addresses and arenas to get back into a game when its own node dies.
 */
import type { Room } from "@colyseus/sdk";
import { ARENA_ROOM_NAME, compareListings, parseListingList, parseListingRemoval, parseListingUpdate, type ArenaListing } from "./arena-listing.ts";
import type { GameNodes } from "./game-nodes.ts";
import { requestFromAnyNode } from "./node-requests.ts";

export type LobbyStatus = "loading" | "ready" | "unavailable";

export interface LobbyEvents {
  onListings(listings: ArenaListing[]): void;
  onStatus(status: LobbyStatus): void;
}

const LOBBY_ROOM_NAME = "lobby";
/** Wait before joining the lobby again after it failed or closed. */
const REOPEN_DELAY_MS = 3000;
/** Maximum wait for the server to confirm a leave, because a dead node never confirms. */
const LEAVE_TIMEOUT_MS = 1000;

export class LobbyConnection {
  private room: Room | null = null;
  private readonly listings = new Map<string, ArenaListing>();
  /** True between open() and close(); a join that finishes after close() leaves at once. */
  private wanted = false;
  private opening = false;
  private reopenTimer: number | undefined;

  constructor(
    private readonly nodes: GameNodes,
    private readonly events: LobbyEvents,
  ) {}

  /** Joins the lobby unless already in it, reporting "loading" until the first list arrives. */
  async open(): Promise<void> {
    this.wanted = true;
    if (this.room !== null || this.opening) {
      return;
    }
    window.clearTimeout(this.reopenTimer);
    this.opening = true;
    this.events.onStatus("loading");
    try {
      const room = await requestFromAnyNode(this.nodes, (client) => client.joinOrCreate(LOBBY_ROOM_NAME, { filter: { name: ARENA_ROOM_NAME } }));
      this.adopt(room);
    } catch (error) {
      console.warn("Could not join the lobby:", error);
      this.onUnavailable();
    } finally {
      this.opening = false;
    }
  }

  /** Leaves the lobby room, for example when the player enters an arena. */
  async close(): Promise<void> {
    this.wanted = false;
    window.clearTimeout(this.reopenTimer);
    const room = this.room;
    this.room = null;
    if (room !== null) {
      await Promise.race([room.leave(true), new Promise((resolve) => window.setTimeout(resolve, LEAVE_TIMEOUT_MS))]);
    }
  }

  private adopt(room: Room): void {
    if (!this.wanted) {
      void room.leave(true);
      return;
    }
    this.room = room;
    // A rejoin gets the full list again, so the SDK's seat-keeping reconnection is not needed.
    room.reconnection.enabled = false;
    room.onMessage("rooms", (payload: unknown) => this.replaceAll(parseListingList(payload)));
    room.onMessage("+", (payload: unknown) => this.upsert(parseListingUpdate(payload)));
    room.onMessage("-", (payload: unknown) => this.remove(parseListingRemoval(payload)));
    room.onLeave(() => {
      if (this.room === room) {
        this.room = null;
        this.onUnavailable();
      }
    });
  }

  private replaceAll(listings: ArenaListing[]): void {
    this.listings.clear();
    for (const listing of listings) {
      this.listings.set(listing.roomId, listing);
    }
    this.publish();
    this.events.onStatus("ready");
  }

  private upsert(listing: ArenaListing | null): void {
    if (listing !== null) {
      this.listings.set(listing.roomId, listing);
      this.publish();
    }
  }

  private remove(roomId: string | null): void {
    if (roomId !== null && this.listings.delete(roomId)) {
      this.publish();
    }
  }

  private publish(): void {
    const listings = [...this.listings.values()].sort(compareListings);
    this.nodes.learnListings(listings);
    this.events.onListings(listings);
  }

  /** Shows the list as unavailable and tries again later while the player is still choosing. */
  private onUnavailable(): void {
    this.events.onStatus("unavailable");
    if (this.wanted) {
      this.reopenTimer = window.setTimeout(() => void this.open(), REOPEN_DELAY_MS);
    }
  }
}
