import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../logger.ts";
import { rateLimitKey, resolveClientIp } from "./client-ip.ts";
import { KeyedRateLimiter } from "./rate-limiter.ts";

/** The only admin user name. */
export const ADMIN_USER = "admin";

const CHALLENGE = 'Basic realm="Orbit Arena admin", charset="UTF-8"';

/** Returns the user name and password of an `Authorization: Basic` header, or undefined when there is none. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = header === undefined ? null : /^Basic[ ]+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Compares two secrets in time that does not depend on where they differ. Both are hashed
 * first, so the comparison also takes the same time whatever their lengths.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface AdminAuthSettings {
  password: string;
  /** Take the client address from X-Forwarded-For (see TRUST_PROXY). */
  trustProxy: boolean;
  log: Logger;
}

/** Failed admin logins per minute per address: ample for a person mistyping, slow for guessing. */
export const ADMIN_FAILURES_PER_MINUTE = 10;

/**
 * Express middleware admitting only HTTP basic authentication as `admin` with the password.
 * Anything else gets 401 with a WWW-Authenticate challenge. An address with too many recent
 * failures gets 429 before its credentials are even compared, so a lucky guess during the
 * lockout does not succeed either.
 */
export function requireAdmin(settings: AdminAuthSettings) {
  const failures = new KeyedRateLimiter(ADMIN_FAILURES_PER_MINUTE);
  return (req: Request, res: Response, next: NextFunction): void => {
    const ip = resolveClientIp(req.ip ?? "", req.get("x-forwarded-for"), settings.trustProxy);
    const key = rateLimitKey(ip);
    const lockout = failures.peek(key, Date.now());
    if (!lockout.allowed) {
      res.setHeader("Retry-After", String(lockout.retryAfterSeconds));
      res.status(429).json({ error: "RATE_LIMITED", message: `RATE_LIMITED: too many failed admin logins from this address; retry in ${lockout.retryAfterSeconds} s` });
      return;
    }
    const credentials = parseBasicAuth(req.headers.authorization);
    // Both comparisons always run, so a wrong user name takes as long as a wrong password.
    const userMatches = secretsEqual(credentials?.user ?? "", ADMIN_USER);
    const passwordMatches = secretsEqual(credentials?.password ?? "", settings.password);
    if (credentials !== undefined && userMatches && passwordMatches) {
      next();
      return;
    }
    if (credentials !== undefined) failures.take(key, Date.now());
    settings.log.warn({ ip, path: req.path, credentialsSent: credentials !== undefined }, "admin authentication failed");
    res.setHeader("WWW-Authenticate", CHALLENGE);
    res.status(401).json({ error: "ADMIN_AUTH_REQUIRED", message: "admin routes need HTTP basic authentication as user admin" });
  };
}
