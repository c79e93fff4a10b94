import type { ScenarioResult } from "../report.ts";
import type { ChaosStage } from "../stage.ts";
import { evictionPolicy } from "./eviction-policy.ts";
import { nodeKilledMidRound } from "./node-killed.ts";
import { poisonJob } from "./poison-job.ts";
import { postgresOutage } from "./postgres-outage.ts";
import { redisRestart } from "./redis-restart.ts";
import { redisUnreachable } from "./redis-unreachable.ts";
import { workerKilledMidBatch } from "./worker-killed.ts";
import { workerSigterm } from "./worker-sigterm.ts";

export interface Scenario {
  id: string;
  name: string;
  run(stage: ChaosStage): Promise<ScenarioResult>;
}

export const SCENARIOS: Scenario[] = [
  { id: "1", name: "job worker killed mid-batch", run: workerKilledMidBatch },
  { id: "2", name: "PostgreSQL stopped for 30 s", run: postgresOutage },
  { id: "3", name: "Redis restarted (AOF)", run: redisRestart },
  { id: "4", name: "Redis unreachable for 10 s", run: redisUnreachable },
  { id: "5", name: "game node killed mid-round", run: nodeKilledMidRound },
  { id: "6", name: "SIGTERM to a worker with jobs in flight", run: workerSigterm },
  { id: "7", name: "Redis eviction policy", run: evictionPolicy },
  { id: "P", name: "poison job", run: poisonJob },
];
