/** The chat channel the player writes to, remembered across visits in localStorage. */
import type { ChatChannel } from "./messages.ts";

const STORAGE_KEY = "orbit-arena.chat-channel";

export function isChatChannel(value: unknown): value is ChatChannel {
  return value === "room" || value === "global";
}

/** Returns the stored choice, or the room channel for a first visit. */
export function loadChatChannel(): ChatChannel {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isChatChannel(stored) ? stored : "room";
  } catch {
    // Without storage the choice starts from the room channel on every visit.
    return "room";
  }
}

export function saveChatChannel(channel: ChatChannel): void {
  try {
    localStorage.setItem(STORAGE_KEY, channel);
  } catch {
    // Not remembering the choice is acceptable, because it still applies to this page.
  }
}
