import { Bot } from "./bot.ts";
import { BotClient } from "./bot-client.ts";
import { BotMetrics, type ProcessReport } from "./bot-metrics.ts";
import { FirstArrivals } from "./first-arrivals.ts";
import { RoomFinder } from "./fill-policy.ts";
import type { BotProcessConfig } from "./ipc.ts";

/** The ticker's period: inputs go out at most this late against each bot's 50 ms schedule. */
const TICK_MS = 5;
const STOP_TIMEOUT_MS = 10_000;
/** Global messages whose first arrival the process remembers; at 32 messages a second, 32 s of them. */
const REMEMBERED_ARRIVALS = 1024;

/**
 * The bots of one process: starts them at the ramp rate, drives their timers from one shared
 * ticker (thousands of per-bot intervals would cost more than the bots), and stops them.
 */
export class BotPool {
  readonly #config: BotProcessConfig;
  readonly metrics = new BotMetrics();
  readonly #bots: Bot[] = [];
  readonly #starts: Promise<void>[] = [];
  #ticker: NodeJS.Timeout | undefined;
  #rampWatched = false;
  #rampDone = false;

  constructor(config: BotProcessConfig) {
    this.#config = config;
    const finder = new RoomFinder(new BotClient(config.settings.httpUrl), config.fill);
    const arrivals = new FirstArrivals(REMEMBERED_ARRIVALS);
    for (let offset = 0; offset < config.botCount; offset += 1) {
      const index = config.firstBotIndex + offset;
      this.#bots.push(new Bot(index, index % config.sampleEvery === 0, config.settings, finder, this.metrics, arrivals));
    }
  }

  start(): void {
    const startedAt = performance.now();
    let started = 0;
    this.#ticker = setInterval(() => {
      const now = performance.now();
      const due = Math.min(this.#bots.length, Math.floor(((now - startedAt) / 1000) * this.#config.rampPerSecond) + 1);
      for (; started < due; started += 1) this.#starts.push(this.#bots[started]!.start());
      if (started === this.#bots.length && !this.#rampWatched) {
        this.#rampWatched = true;
        void Promise.all(this.#starts).then(() => {
          this.#rampDone = true;
        });
      }
      for (const bot of this.#bots) bot.tick(now);
    }, TICK_MS);
  }

  report(): ProcessReport {
    let connected = 0;
    let joining = 0;
    const roomIds = new Set<string>();
    const connectedByNode: Record<string, number> = {};
    for (const bot of this.#bots) {
      const roomId = bot.roomId;
      if (roomId !== undefined) {
        connected += 1;
        roomIds.add(roomId);
        const node = bot.node ?? "unknown";
        connectedByNode[node] = (connectedByNode[node] ?? 0) + 1;
      } else if (bot.joining) joining += 1;
    }
    return this.metrics.report(connected, joining, this.#rampDone, [...roomIds], connectedByNode);
  }

  /** Stops the ticker and makes every bot leave; gives up waiting after STOP_TIMEOUT_MS. */
  async stop(): Promise<void> {
    clearInterval(this.#ticker);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
    await Promise.race([Promise.all(this.#bots.map((bot) => bot.stop())), timeout]);
  }
}
