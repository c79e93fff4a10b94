/**
 * A second player driven from the test process through @colyseus/sdk, as another person's
 * browser would be: a guest created over HTTP, the same room, inputs at the client's 20 Hz.
 */
import { Client, type Room, type SeatReservation } from "@colyseus/sdk";
import { TICK_RATE } from "../../../src/rooms/rules/constants.ts";
import type { PlayerView } from "../../support/arena-view.ts";

const INPUT_INTERVAL_MS = 1000 / TICK_RATE;
/** Room messages the bot receives but does not use. Empty handlers keep the SDK from warning. */
const IGNORED_MESSAGES = ["welcome", "chat", "results", "error", "announcement"];

export class Bot {
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly room: Room,
    readonly playerId: string,
    /** host:port of the node that runs the bot's room, when the server has a PUBLIC_ADDRESS. */
    readonly publicAddress: string | undefined = undefined,
  ) {
    for (const type of IGNORED_MESSAGES) {
      room.onMessage(type, () => undefined);
    }
  }

  static async join(baseUrl: string, name: string): Promise<Bot> {
    const guest = await createGuest(baseUrl, name);
    const room = await new Client(baseUrl).joinOrCreate("arena", { token: guest.token });
    return new Bot(room, guest.playerId);
  }

  /** Joins the arena `roomId` through the node at `baseUrl`, wherever that arena is. */
  static async joinRoom(baseUrl: string, name: string, roomId: string): Promise<Bot> {
    const guest = await createGuest(baseUrl, name);
    const room = await new Client(baseUrl).joinById(roomId, { token: guest.token });
    return new Bot(room, guest.playerId);
  }

  /** Creates a new arena through the node at `baseUrl` and joins it. The placement decides which node runs it. */
  static async create(baseUrl: string, name: string): Promise<Bot> {
    const guest = await createGuest(baseUrl, name);
    const response = await fetch(`${baseUrl}/matchmake/create/arena`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: guest.token }),
    });
    const reservation = (await response.json()) as SeatReservation;
    if (response.status !== 200 || typeof reservation.roomId !== "string") {
      throw new Error(`creating an arena for the bot returned HTTP ${response.status}: ${JSON.stringify(reservation)}`);
    }
    const room = await new Client(baseUrl).consumeSeatReservation(reservation);
    return new Bot(room, guest.playerId, reservation.publicAddress);
  }

  /**
   * Seats one bot in an arena of its own on each node of `publicAddresses`, creating arenas
   * through `baseUrl` until every node has one, because the server's placement spreads new
   * rooms over the nodes rather than letting the caller choose. A bot whose arena landed on a
   * node that already has one leaves again, which closes that arena.
   */
  static async createOnEveryNode(baseUrl: string, publicAddresses: string[], namePrefix: string): Promise<Map<string, Bot>> {
    const bots = new Map<string, Bot>();
    for (let attempt = 1; bots.size < publicAddresses.length; attempt += 1) {
      if (attempt > publicAddresses.length * 4) {
        throw new Error(`no arena landed on ${publicAddresses.filter((address) => !bots.has(address)).join(", ")} after ${attempt - 1} creations`);
      }
      const bot = await Bot.create(baseUrl, `${namePrefix}${attempt}`);
      if (bot.publicAddress !== undefined && publicAddresses.includes(bot.publicAddress) && !bots.has(bot.publicAddress)) {
        bots.set(bot.publicAddress, bot);
      } else {
        await bot.leave();
      }
    }
    return bots;
  }

  /** The bot's player as the server last reported it. */
  position(): PlayerView | undefined {
    const players = (this.room.state as { players?: Map<string, PlayerView> }).players;
    return players?.get(this.room.sessionId);
  }

  /** Sends this direction at 20 Hz until stop(); at the field edge the server stops the player. */
  move(dx: number, dy: number): void {
    this.stop();
    const input = this.room.input<{ seq: number; dx: number; dy: number }>();
    this.timer = setInterval(() => {
      this.seq += 1;
      input.data.seq = this.seq;
      input.data.dx = dx;
      input.data.dy = dy;
      input.send();
    }, INPUT_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  say(text: string): void {
    this.room.send("chat", { text, id: `bot-${Date.now()}-${Math.random().toString(16).slice(2)}` });
  }

  async leave(): Promise<void> {
    this.stop();
    // A room the server already closed never confirms the leave, so give it a bounded wait.
    await Promise.race([this.room.leave().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
  }
}

async function createGuest(baseUrl: string, name: string): Promise<{ playerId: string; token: string }> {
  const response = await fetch(`${baseUrl}/api/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) {
    throw new Error(`guest creation for the bot returned HTTP ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as { playerId: string; token: string };
}
