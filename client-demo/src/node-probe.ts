/** Checks whether a game node still accepts HTTP connections. */

const PROBE_TIMEOUT_MS = 2000;

/**
 * True when the node at `baseUrl` responds to `/healthz` with any HTTP status. A 503 still means
 * the process runs (only a service behind it is down), so only a refused connection or a
 * timeout counts as gone. `no-cors` lets the page ask another node without CORS headers,
 * because the opaque response is enough to show that the node is up.
 */
export async function isNodeReachable(baseUrl: string): Promise<boolean> {
  try {
    await fetch(`${baseUrl}/healthz`, { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return true;
  } catch {
    // A refused connection, a DNS failure or the timeout: nothing answered.
    return false;
  }
}

/** Returns the first of `baseUrls` that responds, probed in order, or null when none does. */
export async function firstReachableNode(baseUrls: string[]): Promise<string | null> {
  for (const baseUrl of baseUrls) {
    if (await isNodeReachable(baseUrl)) {
      return baseUrl;
    }
  }
  return null;
}
