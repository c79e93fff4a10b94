import type { MatchMakerDriver, Presence } from "@colyseus/core";
import type { ProfileStore } from "../cache/profile-store.ts";
import type { SessionRegistry } from "../cluster/session-registry.ts";
import type { Database } from "../db/database.ts";
import type { HandlerDeps } from "../jobs/handlers.ts";
import type { QueueCounts } from "../jobs/bullmq-jobs.ts";
import type { JobProducer } from "../jobs/ports.ts";
import type { Leaderboard } from "../leaderboard/leaderboard.ts";
import type { HealthCheck } from "./health.ts";

/** The job system as the server assembly drives it. */
export interface JobRuntime extends JobProducer {
  startWorkers(deps: HandlerDeps): Promise<void>;
  /** Stops producing and consuming; active jobs get `timeoutMs` to finish. */
  close(timeoutMs: number): Promise<void>;
  /** Jobs of each queue by state. */
  counts(): Promise<Record<string, QueueCounts>>;
}

/**
 * Everything stateful that rooms and routes use, opened for one deployment mode. The server
 * and the worker entry points receive it and never open stores themselves.
 */
export interface Backends {
  /** Human-readable description of each part's mode, for the start-up log. */
  describe: Record<string, string>;
  db: Database;
  profiles: ProfileStore;
  leaderboard: Leaderboard;
  jobs: JobRuntime;
  /** One session per player, with fencing epochs. */
  sessions: SessionRegistry;
  /** Colyseus presence and driver; undefined means Colyseus's single-process defaults. */
  presence?: Presence;
  driver?: MatchMakerDriver;
  health: { redis: HealthCheck; postgres: HealthCheck; queue: HealthCheck };
  /** Closes every connection; safe to call twice. */
  close(): Promise<void>;
}
