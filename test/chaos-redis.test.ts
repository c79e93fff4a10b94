import { afterAll, beforeAll, describe, it } from "vitest";
import { evictionPolicy } from "../scripts/chaos/scenarios/eviction-policy.ts";
import { redisUnreachable } from "../scripts/chaos/scenarios/redis-unreachable.ts";
import type { ChaosStage } from "../scripts/chaos/stage.ts";
import { expectWithinBound, startChaosStage } from "./support/chaos-stage.ts";

/** The Redis scenarios of `npm run chaos`, against a game node process and a Redis and PostgreSQL of their own. */
describe("chaos: Redis", () => {
  let stage: ChaosStage & { destroy(): Promise<void> };

  beforeAll(async () => {
    stage = await startChaosStage();
  });

  afterAll(async () => {
    await stage?.destroy();
  });

  it("Redis outage: fast 503, rooms and rounds kept", async () => {
    expectWithinBound(await redisUnreachable(stage));
  }, 60_000);

  it("eviction policy: checked, dirty profiles kept", async () => {
    expectWithinBound(await evictionPolicy(stage));
  }, 60_000);
});
