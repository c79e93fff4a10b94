/** Result of parsing ALLOWED_ORIGINS. */
export type OriginListParse = { ok: true; origins: string[] } | { ok: false; error: string };

/**
 * Returns the serialised origin (`https://example.com:8443`) of an http or https URL that
 * names nothing but an origin, or undefined. Browsers send origins in this form; parsing
 * also lowercases the host and drops a default port, so `HTTPS://Example.com:443` matches.
 */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) return undefined;
  return url.origin;
}

/** Parses a comma-separated list of origins; every entry must be a bare http(s) origin. */
export function parseOriginList(raw: string): OriginListParse {
  const entries = raw.split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  if (entries.length === 0) return { ok: false, error: "names no origin; unset it to allow every origin" };
  const origins: string[] = [];
  for (const entry of entries) {
    const origin = normalizeOrigin(entry);
    if (origin === undefined) {
      return { ok: false, error: `"${entry.slice(0, 80)}" is not an origin; write scheme://host[:port], e.g. https://play.example.com` };
    }
    if (!origins.includes(origin)) origins.push(origin);
  }
  return { ok: true, origins };
}

/**
 * Policy on which web pages may use the server: with a list, pages served from those origins,
 * and without one, every origin. Browsers always send Origin on WebSocket upgrades and
 * cross-origin POSTs, so a request without it comes from a program and is allowed. The check
 * stops other sites from using a visitor's browser, not programs, which can send any header.
 */
export class OriginPolicy {
  readonly #allowed: ReadonlySet<string> | undefined;

  constructor(allowed: readonly string[] | undefined) {
    this.#allowed = allowed === undefined ? undefined : new Set(allowed);
  }

  /** True when an allowed-origins list is configured. */
  get restricted(): boolean {
    return this.#allowed !== undefined;
  }

  allows(origin: string | null | undefined): boolean {
    if (this.#allowed === undefined || origin === null || origin === undefined) return true;
    const normalized = normalizeOrigin(origin);
    return normalized !== undefined && this.#allowed.has(normalized);
  }

  /**
   * CORS headers for a request from `origin`: the origin itself when allowed, otherwise no
   * Access-Control-Allow-Origin at all, so the browser withholds the response from the page.
   */
  corsHeaders(origin: string | null | undefined): Record<string, string> {
    if (this.#allowed === undefined) return { "Access-Control-Allow-Origin": origin || "*" };
    const normalized = origin ? normalizeOrigin(origin) : undefined;
    if (normalized === undefined || !this.#allowed.has(normalized)) return { Vary: "Origin" };
    return { "Access-Control-Allow-Origin": normalized, Vary: "Origin" };
  }
}
