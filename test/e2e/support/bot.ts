/**
 * A second player driven from the test process through @colyseus/sdk, as another person's
 * browser would be: a guest created over HTTP, the same room, inputs at the client's 20 Hz.
 */
import { Client, type Room } from "@colyseus/sdk";
import { TICK_RATE } from "../../../src/rooms/rules/constants.ts";
import type { PlayerView } from "../../support/arena-view.ts";

const INPUT_INTERVAL_MS = 1000 / TICK_RATE;
/** Room messages the bot receives but does not use. Empty handlers keep the SDK from warning. */
const IGNORED_MESSAGES = ["welcome", "chat", "results", "error"];

export class Bot {
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly room: Room,
    readonly playerId: string,
  ) {
    for (const type of IGNORED_MESSAGES) {
      room.onMessage(type, () => undefined);
    }
  }

  static async join(baseUrl: string, name: string): Promise<Bot> {
    const response = await fetch(`${baseUrl}/api/guest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    if (response.status !== 201) {
      throw new Error(`guest creation for the bot returned HTTP ${response.status}: ${await response.text()}`);
    }
    const guest = (await response.json()) as { playerId: string; token: string };
    const room = await new Client(baseUrl).joinOrCreate("arena", { token: guest.token });
    return new Bot(room, guest.playerId);
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
