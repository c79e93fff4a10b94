import { afterAll, beforeAll, describe, it } from "vitest";
import { poisonJob } from "../scripts/chaos/scenarios/poison-job.ts";
import { workerKilledMidBatch } from "../scripts/chaos/scenarios/worker-killed.ts";
import { workerSigterm } from "../scripts/chaos/scenarios/worker-sigterm.ts";
import type { ChaosStage } from "../scripts/chaos/stage.ts";
import { expectWithinBound, startChaosStage } from "./support/chaos-stage.ts";

/** The worker scenarios of `npm run chaos`, against worker processes and a Redis and PostgreSQL of their own. */
describe("chaos: job workers", () => {
  let stage: ChaosStage & { destroy(): Promise<void> };

  beforeAll(async () => {
    stage = await startChaosStage();
  });

  afterAll(async () => {
    await stage?.destroy();
  });

  it("worker killed mid-batch: scores stored once", async () => {
    expectWithinBound(await workerKilledMidBatch(stage));
  }, 60_000);

  it("worker SIGTERM: in-flight jobs handed back", async () => {
    expectWithinBound(await workerSigterm(stage));
  }, 60_000);

  it("poison job: failed with reason, others stored", async () => {
    expectWithinBound(await poisonJob(stage));
  }, 60_000);
});
