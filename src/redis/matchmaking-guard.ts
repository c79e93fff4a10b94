import { matchMaker, ServerError } from "@colyseus/core";
import type { Logger } from "../logger.ts";
import type { RedisLiveness } from "./liveness.ts";

/** Error of a matchmaking request rejected while Redis is unreachable; clients match on it. */
export const UNAVAILABLE = "UNAVAILABLE";

type InvokeMethod = typeof matchMaker.controller.invokeMethod;

/**
 * Makes Colyseus's `/matchmake` routes respond with HTTP 503 `{ code: 503, error: "UNAVAILABLE" }`
 * while the matchmaking Redis is unreachable. Without it a request waits in ioredis's offline
 * queue for the whole outage. Colyseus's router serves `/matchmake` before express runs, so an
 * express middleware never receives these requests; the controller's `invokeMethod` is the one
 * hook every matchmaking method passes. A request already waiting when Redis goes away is
 * answered the same way at that moment. Returns a function that restores the original.
 */
export function installMatchmakingGuard(liveness: RedisLiveness, log: Logger): () => void {
  const controller = matchMaker.controller;
  const original: InvokeMethod = controller.invokeMethod;
  let active = true;
  const guarded: InvokeMethod = async function (this: typeof controller, method, roomName, clientOptions, authOptions) {
    // A guard removed while a later one wraps it (two servers in one process, closed out of
    // order) must pass requests through, because its closed connection never looks reachable.
    if (!active) return original.call(this, method, roomName, clientOptions, authOptions);
    if (!liveness.reachable) throw reject(log, method, roomName, "before matchmaking");
    const lost = liveness.whenUnreachable();
    try {
      return await Promise.race([
        original.call(this, method, roomName, clientOptions, authOptions),
        lost.promise.then(() => {
          throw reject(log, method, roomName, "while matchmaking");
        }),
      ]);
    } finally {
      lost.cancel();
    }
  };
  controller.invokeMethod = guarded;
  return () => {
    active = false;
    if (controller.invokeMethod === guarded) controller.invokeMethod = original;
  };
}

function reject(log: Logger, method: string, roomName: string, when: string): ServerError {
  log.warn({ method, roomName, when }, "matchmaking rejected: Redis is unreachable");
  return new ServerError(503, UNAVAILABLE);
}
