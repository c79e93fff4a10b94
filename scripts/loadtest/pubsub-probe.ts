import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { epochNowMs, readGlobalChatStamp, stampedGlobalChatText } from "./chat-stamp.ts";
import { encodeHistogram, newHistogram, percentiles, recordMs, type Percentiles } from "./histogram.ts";

/** Channel, rate and message contents of a probe. */
export interface PubSubProbeConfig {
  redisUrl: string;
  /** Channel to publish on. Give each run its own, because every database of a Redis server shares its channels. */
  channel: string;
  /** Mean messages per second, with exponential gaps like the bots' chat (a Poisson process). */
  ratePerSecond: number;
  /** Bot name and node written into each text, so a message has the size of a bot's global chat. */
  botName: string;
  node: string;
}

export interface PubSubProbeResult {
  published: number;
  received: number;
  /** Messages published but not received within LATE_GRACE_MS of the stop. */
  lost: number;
  /** Size of one published message, in bytes of JSON. */
  messageBytes: number;
  seconds: number;
  /** Publish-to-subscriber delay, encoded (see histogram.ts). */
  histogram: string;
  latency: Percentiles;
}

/** Time after the last publish in which its message may still arrive. */
const LATE_GRACE_MS = 1000;

/**
 * The baseline for global chat: one ioredis connection publishes, another one subscribes, on
 * the same Redis. A message is built and serialized as a node publishes a global chat message
 * through Colyseus's RedisPresence (`JSON.stringify` of the same fields, `JSON.parse` on
 * arrival), so the only difference to the chat path is everything the chat path adds. Both
 * connections live in one process, so the delay is read from one clock.
 */
export class PubSubProbe {
  readonly #config: PubSubProbeConfig;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #histogram = newHistogram();
  readonly #playerId = randomUUID();
  #published = 0;
  #received = 0;
  #messageBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #stoppedAt = 0;

  constructor(config: PubSubProbeConfig) {
    this.#config = config;
    this.#publisher = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
    this.#subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  }

  /** Subscribes and checks the publishing connection, so messages published after this are measured. */
  async connect(): Promise<void> {
    this.#subscriber.on("message", (_channel: string, message: string) => this.#onMessage(message));
    await this.#subscriber.subscribe(this.#config.channel);
    await this.#publisher.ping();
  }

  /** Starts publishing at the configured rate. */
  start(): void {
    this.#startedAt = performance.now();
    let nextAt = this.#startedAt;
    const publishNext = () => {
      this.#publish();
      nextAt += -Math.log(1 - Math.random()) * (1000 / this.#config.ratePerSecond);
      this.#timer = setTimeout(publishNext, Math.max(0, nextAt - performance.now()));
    };
    this.#timer = setTimeout(publishNext, 0);
  }

  /** Stops publishing, waits for late messages, closes both connections and returns the figures. */
  async stop(): Promise<PubSubProbeResult> {
    clearTimeout(this.#timer);
    this.#stoppedAt = performance.now();
    const deadline = this.#stoppedAt + LATE_GRACE_MS;
    while (this.#received < this.#published && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.#subscriber.disconnect();
    this.#publisher.disconnect();
    return {
      published: this.#published,
      received: this.#received,
      lost: this.#published - this.#received,
      messageBytes: this.#messageBytes,
      seconds: this.#startedAt > 0 ? Math.round((this.#stoppedAt - this.#startedAt) / 100) / 10 : 0,
      histogram: encodeHistogram(this.#histogram),
      latency: percentiles(this.#histogram),
    };
  }

  #publish(): void {
    this.#published += 1;
    const { botName, node, channel } = this.#config;
    const text = stampedGlobalChatText(botName, node, `${botName}.${this.#published}`);
    // The fields and order of GlobalChatMessage (src/rooms/cluster-messages.ts) as ArenaRoom publishes it.
    const json = JSON.stringify({ playerId: this.#playerId, name: botName, text, channel: "global", sentAt: Date.now() });
    this.#messageBytes = Buffer.byteLength(json);
    this.#publisher.publish(channel, json).catch(() => undefined); // a lost publish shows as lost
  }

  #onMessage(message: string): void {
    const receivedAtMs = epochNowMs();
    const parsed = JSON.parse(message) as { text?: unknown };
    const stamp = readGlobalChatStamp(parsed.text);
    if (!stamp) return;
    this.#received += 1;
    recordMs(this.#histogram, receivedAtMs - stamp.sentAtMs);
  }
}
