import { z } from "zod";
import { CHAT_MAX_LENGTH } from "./rules/constants.ts";

/**
 * Messages rooms exchange over presence pub/sub. Another node is no more trusted than a
 * client, so every received payload is validated with these schemas and dropped when invalid.
 */

/** Asks the room that contains `sessionId` to close it, because the player joined again elsewhere. */
export const SessionReplacedMessage = z
  .object({
    playerId: z.string().min(1).max(64),
    sessionId: z.string().min(1).max(64),
    epoch: z.number().int().nonnegative(),
    byNode: z.string().max(64),
  })
  .strict();
export type SessionReplacedMessage = z.infer<typeof SessionReplacedMessage>;

/** Confirms that a replaced session is closed, so the new session may start playing. */
export const SessionClosedMessage = z.object({ sessionId: z.string().min(1).max(64) }).strict();

/** A chat message on the global channel, delivered to every player in every arena. */
export const GlobalChatMessage = z
  .object({
    playerId: z.string().min(1).max(64),
    name: z.string().max(64),
    text: z.string().min(1).max(CHAT_MAX_LENGTH),
    channel: z.literal("global"),
    sentAt: z.number().int().positive(),
  })
  .strict();
export type GlobalChatMessage = z.infer<typeof GlobalChatMessage>;

/** Maximum length of an announcement, in characters. */
export const ANNOUNCEMENT_MAX_LENGTH = 500;

/** A server-wide announcement from an administrator. */
export const AnnouncementMessage = z
  .object({
    text: z.string().min(1).max(ANNOUNCEMENT_MAX_LENGTH),
    sentAt: z.number().int().positive(),
  })
  .strict();
export type AnnouncementMessage = z.infer<typeof AnnouncementMessage>;

/** Presence channel names, built from the deployment's key prefix. */
export interface ClusterChannels {
  sessionReplaced: string;
  sessionClosed: string;
  globalChat: string;
  announcements: string;
}
