/**
 * The guest identity (player id, token and name) kept in localStorage, so a reload joins as the
 * same player instead of creating a new guest.
 */

export interface GuestIdentity {
  playerId: string;
  token: string;
  name: string;
}

const STORAGE_KEY = "orbit-arena.guest";

export function loadIdentity(): GuestIdentity | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw === null) {
      return null;
    }
    const parsed: unknown = JSON.parse(raw);
    return isGuestIdentity(parsed) ? parsed : null;
  } catch {
    // Unreadable or corrupt storage means the visitor simply starts as a new guest.
    return null;
  }
}

export function saveIdentity(identity: GuestIdentity): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(identity));
  } catch {
    // Without storage the identity lasts only for this page, which still lets the visitor play.
  }
}

export function clearIdentity(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored can be left behind when storage is unavailable.
  }
}

export function isGuestIdentity(value: unknown): value is GuestIdentity {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const record = value as Record<string, unknown>;
  return isNonEmptyString(record.playerId) && isNonEmptyString(record.token) && typeof record.name === "string";
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
