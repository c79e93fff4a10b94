import { CHAT_MAX_LENGTH, NAME_MAX_LENGTH } from "./constants.ts";

// C0 and C1 control characters, plus bidi overrides that can disguise text direction.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Removes control characters, collapses whitespace runs and trims. */
export function cleanText(raw: string): string {
  return raw.replace(CONTROL_CHARACTERS, " ").replace(/\s+/g, " ").trim();
}

/** Returns a cleaned chat text, or undefined when nothing printable is left. */
export function cleanChatText(raw: string): string | undefined {
  const text = cleanText(raw);
  if (text.length === 0) return undefined;
  return Array.from(text).slice(0, CHAT_MAX_LENGTH).join("");
}

/** Returns a cleaned player name, or undefined when it is empty or longer than NAME_MAX_LENGTH. */
export function cleanPlayerName(raw: string): string | undefined {
  const name = cleanText(raw);
  if (name.length === 0 || Array.from(name).length > NAME_MAX_LENGTH) return undefined;
  return name;
}
