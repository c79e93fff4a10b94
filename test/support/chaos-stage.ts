import { expect } from "vitest";
import { startPostgresCluster } from "../../scripts/chaos/postgres-cluster.ts";
import { startRedisServer } from "../../scripts/chaos/redis-server.ts";
import type { ScenarioResult } from "../../scripts/chaos/report.ts";
import type { ChaosStage } from "../../scripts/chaos/stage.ts";

/**
 * A redis-server and a PostgreSQL cluster of the test file's own, on free ports, because the
 * chaos scenarios stop, kill and pause them; the shared services stay untouched.
 */
export async function startChaosStage(): Promise<ChaosStage & { destroy(): Promise<void> }> {
  const redis = await startRedisServer();
  try {
    const postgres = await startPostgresCluster();
    return {
      redis,
      postgres,
      async destroy() {
        await postgres.destroy();
        await redis.destroy();
      },
    };
  } catch (error) {
    await redis.destroy();
    throw error;
  }
}

/** Asserts that every check of a scenario passed and its loss is within the bound; the message shows what was counted. */
export function expectWithinBound(result: ScenarioResult): void {
  expect(result.checks.filter((check) => !check.ok).map((check) => check.what), result.counted).toEqual([]);
  expect(result.loss, result.counted).toBeLessThanOrEqual(result.bound);
}
