import { matchMaker } from "@colyseus/core";
import type { Logger } from "../logger.ts";

/** Interval of the check for game nodes that stopped without deregistering, in ms. */
export const NODE_CHECK_INTERVAL_MS = 3000;

/**
 * Removes the room listings of game nodes that died without shutting down (kill -9, a lost
 * machine). Colyseus runs this check only at start and when a request to another node times
 * out, so a dead node's rooms would otherwise stay in matchmaking until a join hits them. A
 * killed process loses its Redis subscription at once, which is what the check looks for.
 * Returns a function that stops the watchdog.
 */
export function startNodeWatchdog(log: Logger, intervalMs = NODE_CHECK_INTERVAL_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void checkNodes(log).finally(() => {
      running = false;
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function checkNodes(log: Logger): Promise<void> {
  try {
    const before = await matchMaker.stats.fetchAll();
    await matchMaker.healthCheckAllProcesses();
    const after = new Set((await matchMaker.stats.fetchAll()).map((node) => node.processId));
    const removed = before.filter((node) => !after.has(node.processId));
    for (const node of removed) {
      log.warn({ nodeId: node.processId, rooms: node.roomCount, clients: node.ccu }, "removed the listings of a game node that stopped responding");
    }
  } catch (error) {
    log.warn({ err: (error as Error).message }, "game node health check failed; will retry");
  }
}
