import { z } from "zod";
import { RecentIds } from "./recent-ids.ts";
import { cleanChatText } from "./rules/text.ts";
import { TokenBucket } from "./rules/token-bucket.ts";

/**
 * Chat payload as accepted off the wire. `id` is the client's message id: a resend with the
 * same id within DUPLICATE_WINDOW_MS is delivered once. `channel` defaults to "room".
 */
export const ChatPayload = z
  .object({
    text: z.string().max(2000),
    id: z.string().min(1).max(64).optional(),
    channel: z.enum(["room", "global"]).optional(),
  })
  .strict();

const DUPLICATE_WINDOW_MS = 60_000;
const REMEMBERED_IDS = 64;
/** Chat messages a client may send in a burst, and per second after it. */
const CHAT_BURST = 5;
const CHAT_PER_SECOND = 1;

export type ChatVerdict =
  | { accepted: true; text: string; channel: "room" | "global" }
  | { accepted: false; reason: "invalid" | "empty" | "duplicate" | "rate-limited" };

/** Per-client chat checks: shape, cleaning, duplicate ids and a rate limit. */
export class ChatGuard {
  readonly #recentIds = new RecentIds(DUPLICATE_WINDOW_MS, REMEMBERED_IDS);
  readonly #bucket: TokenBucket;

  constructor(now: number) {
    this.#bucket = new TokenBucket(CHAT_BURST, CHAT_PER_SECOND, now);
  }

  check(payload: unknown, now: number): ChatVerdict {
    const parsed = ChatPayload.safeParse(payload);
    if (!parsed.success) return { accepted: false, reason: "invalid" };

    const text = cleanChatText(parsed.data.text);
    if (text === undefined) return { accepted: false, reason: "empty" };
    if (parsed.data.id !== undefined && !this.#recentIds.add(parsed.data.id, now)) {
      return { accepted: false, reason: "duplicate" };
    }
    if (!this.#bucket.take(now)) return { accepted: false, reason: "rate-limited" };
    return { accepted: true, text, channel: parsed.data.channel ?? "room" };
  }
}
