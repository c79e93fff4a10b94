import type { BeforeUpgradeHandler } from "@colyseus/core";
import type { Logger } from "../logger.ts";
import type { OriginPolicy } from "./origin-policy.ts";
import { KeyedRateLimiter } from "./rate-limiter.ts";

/**
 * Rejects WebSocket upgrades from pages of origins outside the list, before the handshake.
 * Browsers attach cookies and other ambient credentials to cross-site WebSocket connections
 * and do not apply CORS to them, so this is the only place such a connection can be rejected.
 * Returns undefined without a list, so the transports skip the hook entirely.
 */
export function originUpgradeGuard(policy: OriginPolicy, log: Logger): BeforeUpgradeHandler | undefined {
  if (!policy.restricted) return undefined;
  const logBudget = new KeyedRateLimiter(1);
  return (request) => {
    const origin = request.headers.get("origin");
    if (policy.allows(origin)) return undefined;
    const shownOrigin = (origin ?? "").slice(0, 100);
    if (logBudget.take(shownOrigin, Date.now()).allowed) {
      log.warn({ origin: shownOrigin }, "WebSocket upgrade rejected: origin not allowed (further rejections of this origin are not logged for a minute)");
    }
    const body = JSON.stringify({ error: "ORIGIN_FORBIDDEN", message: "ORIGIN_FORBIDDEN: this origin may not use the server" });
    return new Response(body, { status: 403, headers: { "Content-Type": "application/json" } });
  };
}
