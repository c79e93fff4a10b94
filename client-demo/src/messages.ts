/** Shapes and validators of the room messages the server broadcasts. */
import { CHAT_MAX_LENGTH, NAME_MAX_LENGTH } from "../../src/rooms/rules/constants.ts";

/**
 * Maximum length of an announcement, as src/rooms/cluster-messages.ts allows it. That file is
 * not imported because it would pull zod into the browser bundle.
 */
const ANNOUNCEMENT_MAX_LENGTH = 500;

export type ChatChannel = "room" | "global";

export interface ChatMessage {
  playerId: string;
  name: string;
  text: string;
  channel: ChatChannel;
}

export interface Standing {
  playerId: string;
  name: string;
  score: number;
}

export interface RoundResults {
  round: number;
  standings: Standing[];
}

/** Sent by the server right after a join: the player's id and the server clock. */
export interface Welcome {
  playerId: string;
  /** Server epoch milliseconds when the message was sent. */
  serverNow: number;
}

/** A message from an administrator to every player of the cluster. */
export interface Announcement {
  text: string;
  /** Server epoch milliseconds when it was published. */
  sentAt: number;
}

/** A notice the server may send to one client, for example when it rate-limits chat. */
export interface ErrorNotice {
  code: string;
  message: string;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

/** Validates a `chat` broadcast. Overlong names or texts are cut instead of rejected. */
export function parseChatMessage(value: unknown): ChatMessage | null {
  const record = asRecord(value);
  if (record === null) {
    return null;
  }
  const { playerId, name, text, channel } = record;
  if (typeof playerId !== "string" || typeof name !== "string" || typeof text !== "string") {
    return null;
  }
  return {
    playerId,
    name: name.slice(0, NAME_MAX_LENGTH),
    text: text.slice(0, CHAT_MAX_LENGTH),
    channel: channel === "global" ? "global" : "room",
  };
}

/** Validates a `results` broadcast, keeping only well-formed standings. */
export function parseRoundResults(value: unknown): RoundResults | null {
  const record = asRecord(value);
  const round = record?.round;
  const entries = record?.standings;
  if (typeof round !== "number" || !Number.isInteger(round) || !Array.isArray(entries)) {
    return null;
  }
  const standings: Standing[] = [];
  for (const entry of entries) {
    const standing = parseStanding(entry);
    if (standing !== null) {
      standings.push(standing);
    }
  }
  return { round, standings };
}

function parseStanding(value: unknown): Standing | null {
  const record = asRecord(value);
  if (record === null) {
    return null;
  }
  const { playerId, name, score } = record;
  if (typeof playerId !== "string" || typeof name !== "string" || typeof score !== "number" || !Number.isFinite(score)) {
    return null;
  }
  return { playerId, name: name.slice(0, NAME_MAX_LENGTH), score };
}

/** Validates an `error` notice: `{ code, message }`, both optional strings. */
export function parseErrorNotice(value: unknown): ErrorNotice | null {
  const record = asRecord(value);
  if (record === null) {
    return null;
  }
  const code = typeof record.code === "string" ? record.code : "";
  const message = typeof record.message === "string" ? record.message : "";
  return code === "" && message === "" ? null : { code, message };
}

/** Validates a `welcome` message. */
export function parseWelcome(value: unknown): Welcome | null {
  const record = asRecord(value);
  if (record === null) {
    return null;
  }
  const { playerId, serverNow } = record;
  if (typeof playerId !== "string" || typeof serverNow !== "number" || !Number.isFinite(serverNow)) {
    return null;
  }
  return { playerId, serverNow };
}

/** Validates an `announcement` broadcast. An overlong text is cut instead of rejected. */
export function parseAnnouncement(value: unknown): Announcement | null {
  const record = asRecord(value);
  if (record === null) {
    return null;
  }
  const { text, sentAt } = record;
  if (typeof text !== "string" || text.trim() === "" || typeof sentAt !== "number" || !Number.isFinite(sentAt)) {
    return null;
  }
  return { text: text.slice(0, ANNOUNCEMENT_MAX_LENGTH), sentAt };
}
