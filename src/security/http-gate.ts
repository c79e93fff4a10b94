import type { Logger } from "../logger.ts";
import { rateLimitKey, resolveClientIp } from "./client-ip.ts";
import type { OriginPolicy } from "./origin-policy.ts";
import { KeyedRateLimiter } from "./rate-limiter.ts";

/** The parts of one HTTP request the gate reads, the same for both transports. */
export interface GateRequest {
  method: string;
  /** Path with or without the query string, as the client sent it. */
  url: string;
  origin: string | undefined;
  forwardedFor: string | undefined;
  remoteAddress: string;
}

/** A response the gate sends instead of letting the request through. */
export interface GateRejection {
  status: 403 | 429;
  headers: Record<string, string>;
  body: string;
}

export interface HttpGateSettings {
  origins: OriginPolicy;
  trustProxy: boolean;
  /** Guest creations per minute per address; 0 turns the limit off. */
  guestPerMinute: number;
  /** Matchmaking requests (joins) per minute per address; 0 turns the limit off. */
  joinPerMinute: number;
  /** Meter clients on this machine too; see RATE_LIMIT_LOOPBACK. */
  limitLoopback?: boolean;
  log: Logger;
  now?: () => number;
}

type LimitedRoute = "guest" | "join";

/** Methods that only read; browsers also send OPTIONS preflights without credentials. */
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Filter in front of every HTTP route, including Colyseus's own `/matchmake` routes, which
 * Colyseus handles before express. It rejects state-changing requests from pages of origins
 * outside the list and meters guest creation and joins per client address. It decides
 * synchronously from the request line and headers, so the transports call it before reading
 * the body.
 */
export class HttpGate {
  readonly #settings: HttpGateSettings;
  readonly #limiters = new Map<LimitedRoute, KeyedRateLimiter>();
  /** One log line per address and minute, so a flood cannot flood the logs too. */
  readonly #logBudget = new KeyedRateLimiter(1);

  constructor(settings: HttpGateSettings) {
    this.#settings = settings;
    const limits: Record<LimitedRoute, number> = { guest: settings.guestPerMinute, join: settings.joinPerMinute };
    for (const [route, perMinute] of Object.entries(limits) as [LimitedRoute, number][]) {
      if (perMinute > 0) this.#limiters.set(route, new KeyedRateLimiter(perMinute));
    }
  }

  /** Returns the response to send instead of handling the request, or undefined to let it through. */
  check(request: GateRequest): GateRejection | undefined {
    if (READ_METHODS.has(request.method.toUpperCase())) return undefined;
    const ip = resolveClientIp(request.remoteAddress, request.forwardedFor, this.#settings.trustProxy);
    if (!this.#settings.origins.allows(request.origin)) {
      this.#logRejection(ip, "origin not allowed", { origin: request.origin?.slice(0, 100) });
      return this.#reject(403, "ORIGIN_FORBIDDEN", "this origin may not use the server", request.origin);
    }
    const route = limitedRoute(request.url);
    const limiter = route === undefined ? undefined : this.#limiters.get(route);
    if (route === undefined || limiter === undefined) return undefined;
    if (!this.#settings.limitLoopback && isLoopback(ip)) return undefined;
    const verdict = limiter.take(rateLimitKey(ip), (this.#settings.now ?? Date.now)());
    if (verdict.allowed) return undefined;
    this.#logRejection(ip, "rate limited", { route });
    const message = `too many ${DESCRIPTIONS[route]} from this address; retry in ${verdict.retryAfterSeconds} s`;
    return this.#reject(429, "RATE_LIMITED", message, request.origin, verdict.retryAfterSeconds);
  }

  #reject(status: 403 | 429, code: string, text: string, origin: string | undefined, retryAfterSeconds?: number): GateRejection {
    const cors = this.#settings.origins.corsHeaders(origin);
    const headers: Record<string, string> = { "Content-Type": "application/json", ...cors };
    if (cors["Access-Control-Allow-Origin"] !== undefined) {
      headers["Access-Control-Allow-Credentials"] = "true";
      headers["Access-Control-Expose-Headers"] = "Retry-After";
    }
    if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
    // The code leads the message as in join rejections, so the SDK's error message carries it.
    return { status, headers, body: JSON.stringify({ error: code, message: `${code}: ${text}` }) };
  }

  #logRejection(ip: string, reason: string, details: Record<string, unknown>): void {
    if (!this.#logBudget.take(`${reason}|${rateLimitKey(ip)}`, Date.now()).allowed) return;
    this.#settings.log.warn({ ip, ...details }, `HTTP request rejected: ${reason} (further rejections of this address are not logged for a minute)`);
  }
}

/** True for 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6. */
export function isLoopback(ip: string): boolean {
  const address = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

const DESCRIPTIONS: Record<LimitedRoute, string> = {
  guest: "guest creations",
  join: "join requests",
};

/**
 * Returns the limited route a URL reaches. Express matches paths case-insensitively and
 * ignores a trailing slash, so the path is compared in that form. A path that only resembles
 * a limited route costs a token too, which does no harm.
 */
export function limitedRoute(url: string): LimitedRoute | undefined {
  const path = canonicalPath(url);
  if (path.startsWith("/matchmake/")) return "join";
  if (path === "/api/guest") return "guest";
  return undefined;
}

function canonicalPath(url: string): string {
  let path = url.split("?")[0] ?? "";
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape is matched as written, because no route would decode it either.
  }
  return path.toLowerCase().replace(/\/{2,}/g, "/").replace(/\/+$/, "");
}
