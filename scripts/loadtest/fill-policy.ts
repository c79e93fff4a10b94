import type { Client, Room } from "@colyseus/sdk";

export type FillPolicy = "joinOrCreate" | "create-per-16";

/** Players per room under `create-per-16`; matches the arena's default ARENA_MAX_PLAYERS. */
export const ROOM_GROUP_SIZE = 16;

interface Group {
  roomId: Promise<string | undefined>;
  settle(roomId: string | undefined): void;
}

/**
 * Room choice of the bots. `joinOrCreate` leaves the choice to the matchmaker, as the browser
 * client does. `create-per-16` makes every sixteenth bot create a room and its fifteen
 * followers join that room by id, so rooms are full and their number is known whatever the
 * matchmaker would have done under a burst of concurrent joins.
 */
export class RoomFinder {
  readonly #client: Client;
  readonly #policy: FillPolicy;
  readonly #groups = new Map<number, Group>();

  constructor(client: Client, policy: FillPolicy) {
    this.#client = client;
    this.#policy = policy;
  }

  async join(botIndex: number, token: string): Promise<Room> {
    if (this.#policy === "joinOrCreate") return this.#client.joinOrCreate("arena", { token });

    const groupIndex = Math.floor(botIndex / ROOM_GROUP_SIZE);
    const existing = this.#groups.get(groupIndex);
    if (existing) {
      const roomId = await existing.roomId;
      if (roomId !== undefined) {
        try {
          return await this.#client.joinById(roomId, { token });
        } catch {
          // The group's room is gone (disposed after everyone left); the matchmaker picks one.
        }
      }
      return this.#client.joinOrCreate("arena", { token });
    }
    return this.#createFor(groupIndex, token);
  }

  async #createFor(groupIndex: number, token: string): Promise<Room> {
    let settle: (roomId: string | undefined) => void = () => undefined;
    const roomId = new Promise<string | undefined>((resolve) => {
      settle = resolve;
    });
    this.#groups.set(groupIndex, { roomId, settle });
    try {
      const room = await this.#client.create("arena", { token });
      settle(room.roomId);
      return room;
    } catch (error) {
      settle(undefined);
      throw error;
    }
  }
}
