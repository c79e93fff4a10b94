import { MachineSampler } from "../loadtest/proc-stats.ts";

/** Machine load under which a load test may start: the idle servers, Redis and PostgreSQL use a little. */
const QUIET_CORES = 0.5;
const SAMPLE_MS = 2000;

/**
 * Waits until the shared machine is nearly idle, so other people's test runs do not land
 * inside a measurement. Spends at most `budget.remainingMs` over the whole benchmark run and
 * returns the machine load it started at.
 */
export async function waitForQuiet(budget: { remainingMs: number }): Promise<number> {
  const machine = new MachineSampler();
  for (;;) {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const cores = machine.sample();
    budget.remainingMs -= performance.now() - started;
    if (cores < QUIET_CORES || budget.remainingMs <= 0) return cores;
  }
}
