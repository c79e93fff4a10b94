import type { TokenService } from "../auth/tokens.ts";
import type { ProfileStore } from "../cache/profile-store.ts";
import type { SessionRegistry } from "../cluster/session-registry.ts";
import type { JobProducer } from "../jobs/ports.ts";
import type { Logger } from "../logger.ts";
import type { GameMetrics } from "../metrics/game-metrics.ts";
import type { ClusterChannels } from "./cluster-messages.ts";
import type { FrameBudgetSettings } from "./frame-budget.ts";

/** Timing and size settings of the arena room. */
export interface ArenaSettings {
  roundSeconds: number;
  resultsSeconds: number;
  maxPlayers: number;
  /** Seconds a dropped player's seat is held for reconnection. */
  reconnectSeconds: number;
  /** Interval in ms at which live round scores are copied into the profile cache. */
  scoreSyncMs: number;
  /** Frames a client may send; a client over budget is disconnected for flooding. */
  frameBudget: FrameBudgetSettings;
}

/** Services the arena room receives from the server assembly instead of importing singletons. */
export interface ArenaServices {
  tokens: TokenService;
  profiles: ProfileStore;
  jobs: JobProducer;
  sessions: SessionRegistry;
  channels: ClusterChannels;
  /** Id of this process in Colyseus's matchmaking, used as the node id of session owners. */
  nodeId: () => string;
  log: Logger;
  metrics: GameMetrics;
  settings: ArenaSettings;
  /** Random source of orb placement; tests pass a seeded one. */
  random: () => number;
}
