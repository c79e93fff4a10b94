/**
 * Event-loop delay of a game node, read from its `GET /metrics`: prom-client's default metrics
 * (`collectDefaultMetrics` with the prefix `orbit_process_`, src/metrics/game-metrics.ts).
 * prom-client 15 resets its event-loop histogram on every scrape, so a scrape at the start of a
 * window and one at its end give the delay over that window.
 */
const PREFIX = "orbit_process_nodejs_eventloop_lag_";
const SCRAPE_TIMEOUT_MS = 5000;
/**
 * prom-client's default monitor period (`eventLoopMonitoringPrecision`), which the server does
 * not change. Node records the whole time between two runs of the monitor's timer, so the
 * delay is what exceeds this period, as for the bots (bot-metrics.ts).
 */
const MONITOR_PERIOD_MS = 10;

export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

function readGauge(text: string, name: string): number | undefined {
  const match = new RegExp(`^${PREFIX}${name}_seconds(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "m").exec(text);
  return match?.[1] === undefined ? undefined : Math.max(0, Number(match[1]) * 1000 - MONITOR_PERIOD_MS);
}

/**
 * Scrapes `httpUrl`/metrics and returns the event-loop delay since the previous scrape beyond
 * the monitor's period, or undefined when the node does not respond or exports no such metric.
 */
export async function scrapeLoopDelay(httpUrl: string): Promise<LoopDelay | undefined> {
  try {
    const response = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (response.status !== 200) return undefined;
    const text = await response.text();
    const p99Ms = readGauge(text, "p99");
    const maxMs = readGauge(text, "max");
    if (p99Ms === undefined || maxMs === undefined) return undefined;
    return { p99Ms: Math.round(p99Ms * 10) / 10, maxMs: Math.round(maxMs * 10) / 10 };
  } catch {
    return undefined;
  }
}
