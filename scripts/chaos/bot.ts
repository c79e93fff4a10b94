import { Client, type Room } from "@colyseus/sdk";

interface PlayerView {
  x: number;
  y: number;
  score: number;
  lastSeq: number;
}
interface ArenaView {
  phase: string;
  round: number;
  players: { get(sessionId: string): PlayerView | undefined };
  orbs: { forEach(callback: (orb: { x: number; y: number }) => void): void };
}

/** A round result as the room broadcasts it to its players. */
export interface SeenResult {
  roomId: string;
  round: number;
  standings: Array<{ playerId: string; name: string; score: number }>;
  at: number;
}

/** Interval of a bot's inputs, as the browser client sends them. */
const INPUT_MS = 50;

/**
 * A player driven by the chaos runner: joins through HTTP matchmaking like the browser client,
 * steers to the nearest orb, and records what it saw (round results, its score over time, state
 * patches), which is what the scenarios count against PostgreSQL.
 */
export class Bot {
  readonly playerId: string;
  readonly name: string;
  /** The guest this bot plays as, to join again as the same player. */
  guest: Guest | undefined;
  readonly results: SeenResult[] = [];
  /** Own score in the running round as the state showed it, with the time. */
  readonly scores: Array<{ at: number; score: number; round: number }> = [];
  patches = 0;
  /** Times of the state patches, for counting those in a window. */
  readonly patchTimes: number[] = [];
  room: Room | undefined;
  #timer: NodeJS.Timeout | undefined;
  #seq = 0;
  #left = false;

  private constructor(playerId: string, name: string) {
    this.playerId = playerId;
    this.name = name;
  }

  /** Creates a guest on `baseUrl` and joins an arena there (`create` forces a new room). */
  static async join(
    baseUrl: string,
    name: string,
    method: "joinOrCreate" | "create" | "join" = "joinOrCreate",
    roomId?: string,
    existing?: Guest,
  ): Promise<Bot> {
    const guest = existing ?? (await createGuest(baseUrl, name));
    const bot = new Bot(guest.playerId, name);
    bot.guest = guest;
    const client = new Client(baseUrl);
    const room = roomId ? await client.joinById(roomId, { token: guest.token }) : await client[method]("arena", { token: guest.token });
    bot.#attach(room);
    return bot;
  }

  get roomId(): string {
    return this.room?.roomId ?? "";
  }

  get view(): ArenaView | undefined {
    return this.room?.state as unknown as ArenaView | undefined;
  }

  /** Own last applied input sequence number, from the server's state. */
  get lastSeq(): number {
    return (this.room && this.view?.players.get(this.room.sessionId)?.lastSeq) ?? 0;
  }

  /** Own score in the running round at time `at` or before (0 when unknown). */
  scoreAt(at: number): number {
    let score = 0;
    for (const sample of this.scores) {
      if (sample.at > at) break;
      score = sample.score;
    }
    return score;
  }

  /** State patches received after `since` (and before `until`). */
  patchesSince(since: number, until = Infinity): number {
    return this.patchTimes.filter((at) => at > since && at <= until).length;
  }

  get left(): boolean {
    return this.#left;
  }

  async leave(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#left || !this.room) return;
    this.#left = true;
    await Promise.race([this.room.leave().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
  }

  /** Stops steering without leaving, as a player whose connection was cut. */
  stopInputs(): void {
    clearInterval(this.#timer);
  }

  #attach(room: Room): void {
    this.room = room;
    room.onMessage("*", () => undefined);
    room.onMessage("results", (message: { round: number; standings: SeenResult["standings"] }) => {
      this.results.push({ roomId: room.roomId, round: message.round, standings: message.standings, at: Date.now() });
    });
    room.onStateChange(() => {
      this.patches += 1;
      if (this.patchTimes.length < 200_000) this.patchTimes.push(Date.now());
      const me = this.view?.players.get(room.sessionId);
      const last = this.scores.at(-1);
      const round = this.view?.round ?? 0;
      if (me && (!last || last.score !== me.score || last.round !== round)) this.scores.push({ at: Date.now(), score: me.score, round });
    });
    room.onLeave(() => {
      this.#left = true;
      clearInterval(this.#timer);
    });
    this.#timer = setInterval(() => this.#steer(), INPUT_MS);
  }

  #steer(): void {
    const room = this.room;
    const me = room && this.view?.players.get(room.sessionId);
    if (!room || !me) return;
    let target: { x: number; y: number } | undefined;
    let best = Infinity;
    this.view?.orbs.forEach((orb) => {
      const distance = (orb.x - me.x) ** 2 + (orb.y - me.y) ** 2;
      if (distance < best) {
        best = distance;
        target = { x: orb.x, y: orb.y };
      }
    });
    const dx = target ? target.x - me.x : 1;
    const dy = target ? target.y - me.y : 0;
    const length = Math.hypot(dx, dy) || 1;
    const input = room.input<{ seq: number; dx: number; dy: number }>();
    this.#seq += 1;
    input.data.seq = this.#seq;
    input.data.dx = dx / length;
    input.data.dy = dy / length;
    input.send();
  }
}

/** A guest player's id and token. */
export interface Guest {
  playerId: string;
  token: string;
}

/** POST /api/guest; returns the new player's id and token. */
export async function createGuest(baseUrl: string, name: string): Promise<Guest> {
  const response = await fetch(`${baseUrl}/api/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`guest creation answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Guest;
}
