import "./node-compat.ts";
import { defineRoom, defineServer, LobbyRoom, matchMaker, type Server } from "@colyseus/core";
import { startNodeWatchdog } from "../cluster/node-watchdog.ts";
import { createRoomPlacement } from "../cluster/room-placement.ts";
import { registerServerMetrics } from "../metrics/server-metrics.ts";
import { createRedisKeys } from "../redis/keys.ts";
import type { TokenService } from "../auth/tokens.ts";
import type { Config } from "../config/env.ts";
import type { Logger } from "../logger.ts";
import { GameMetrics } from "../metrics/game-metrics.ts";
import { createArenaRoom } from "../rooms/ArenaRoom.ts";
import type { Backends } from "./backends.ts";
import { BullJobs } from "../jobs/bullmq-jobs.ts";
import { mountApi } from "./routes/api.ts";
import { mountDashboards } from "./routes/dashboards.ts";
import { mountClient } from "./routes/client.ts";
import { ListenGuard } from "./listen-guard.ts";
import { createTransport } from "./transport.ts";

export interface GameServerOptions {
  config: Config;
  log: Logger;
  backends: Backends;
  tokens: TokenService;
  /** Metrics of this process; a fresh registry when omitted. */
  metrics?: GameMetrics;
  /** Random source of the rooms; tests pass a seeded one. */
  random?: () => number;
  /** Let Colyseus handle SIGTERM and SIGINT (the default); tests turn it off. */
  handleSignals?: boolean;
}

/** Interval at which rooms copy live round scores into the profile cache, in ms. */
const SCORE_SYNC_MS = 1000;

/**
 * Frames a client may send: inputs arrive at 20 per second, plus chat and pings, so 60 per
 * second with a burst of 120 leaves room for catching up after a stall.
 */
const FRAME_BUDGET = { burst: 120, perSecond: 60 };

/**
 * Builds the Colyseus server with the arena room, the HTTP API and the browser client, and
 * starts listening on PORT. Shutdown order: rooms save their running rounds, then the job
 * system drains with a timeout, then connections close.
 */
export async function startGameServer(options: GameServerOptions): Promise<Server> {
  const { config, log, backends, tokens } = options;
  const metrics = options.metrics ?? new GameMetrics();
  const listenGuard = new ListenGuard({ host: config.HOST, port: config.PORT });
  const { transport, name: transportName } = await createTransport(config.TRANSPORT, log, config, listenGuard);

  const keys = createRedisKeys(config.REDIS_PREFIX);
  const arena = createArenaRoom({
    tokens,
    metrics,
    profiles: backends.profiles,
    jobs: backends.jobs,
    sessions: backends.sessions,
    channels: {
      sessionReplaced: keys.sessionReplacedChannel,
      sessionClosed: `${keys.sessionReplacedChannel}:closed`,
      globalChat: keys.globalChatChannel,
      announcements: keys.announcementChannel,
    },
    nodeId: () => matchMaker.processId,
    log,
    random: options.random ?? Math.random,
    settings: {
      roundSeconds: config.ROUND_SECONDS,
      resultsSeconds: config.RESULTS_SECONDS,
      maxPlayers: config.ARENA_MAX_PLAYERS,
      reconnectSeconds: config.RECONNECT_SECONDS,
      scoreSyncMs: SCORE_SYNC_MS,
      frameBudget: FRAME_BUDGET,
    },
  });

  const server = defineServer({
    rooms: {
      // Listed in the lobby as they change; joinOrCreate fills the fullest open arena first.
      arena: defineRoom(arena).enableRealtimeListing().sortBy({ clients: -1 }),
      lobby: defineRoom(LobbyRoom),
    },
    transport,
    presence: backends.presence,
    driver: backends.driver,
    publicAddress: config.PUBLIC_ADDRESS,
    selectProcessIdToCreateRoom: createRoomPlacement(),
    gracefullyShutdown: options.handleSignals ?? true,
    greet: false,
    express: (app) => {
      app.get("/metrics", async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      });
      mountApi(app, { ...backends, tokens, log, config });
      if (config.ADMIN_PASSWORD) {
        const queues = backends.jobs instanceof BullJobs ? [backends.jobs.scoresQueue, backends.jobs.profilesQueue] : [];
        mountDashboards(app, { password: config.ADMIN_PASSWORD, trustProxy: config.TRUST_PROXY, queues, log });
      }
      mountClient(app, log);
    },
  });

  registerServerMetrics(metrics, backends);
  const stopWatchdog = backends.presence ? startNodeWatchdog(log) : () => undefined;

  server.onShutdown(async () => {
    stopWatchdog();
    log.info("closing job system and store connections");
    await backends.close();
    log.info("server stopped");
  });

  await Promise.race([server.listen(config.PORT, config.HOST), listenGuard.failed]);
  log.info({ port: config.PORT, transport: transportName, ...backends.describe }, "game server listening");
  // PM2 starts the next process of a rolling restart only after this signal (wait_ready).
  process.send?.("ready");
  return server;
}
