import type { LoadTestSummary } from "../loadtest/summary.ts";

/**
 * Other load above this many cores means other people's work shared the machine with a run:
 * Redis, PostgreSQL and the idle benchmark servers alone stay well below it.
 */
const OTHER_LOAD_LIMIT_CORES = 0.6;
const JOIN_FAILURE_LIMIT = 0.01;
const CONNECTED_SHARE_LIMIT = 0.95;

/**
 * Says why figures from these load tests should not decide a target, or returns undefined when
 * they ran on a quiet machine with every client connected.
 */
export function contamination(summaries: LoadTestSummary[]): string | undefined {
  const reasons: string[] = [];
  const other = Math.max(0, ...summaries.map((summary) => summary.otherLoadCores));
  if (other > OTHER_LOAD_LIMIT_CORES) reasons.push(`other load up to ${other.toFixed(2)} cores`);
  const failing = summaries.filter((summary) => summary.clients.joinFailures > summary.clients.target * JOIN_FAILURE_LIMIT);
  if (failing.length > 0) reasons.push(`join failures in ${failing.length} run(s)`);
  const short = summaries.filter((summary) => summary.clients.avgConnected < summary.clients.target * CONNECTED_SHARE_LIMIT);
  if (short.length > 0) reasons.push(`fewer than 95 % of the clients connected in ${short.length} run(s)`);
  return reasons.length > 0 ? reasons.join(", ") : undefined;
}
