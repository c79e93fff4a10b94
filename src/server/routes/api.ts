import { randomUUID } from "node:crypto";
import { matchMaker } from "@colyseus/core";
import express, { type Request, type Response } from "express";
import type { TokenService } from "../../auth/tokens.ts";
import type { ProfileStore } from "../../cache/profile-store.ts";
import type { Database } from "../../db/database.ts";
import { insertPlayer } from "../../db/players.ts";
import { LEADERBOARD_MAX_LIMIT, type Leaderboard } from "../../leaderboard/leaderboard.ts";
import type { Config } from "../../config/env.ts";
import type { Logger } from "../../logger.ts";
import { createRedisKeys } from "../../redis/keys.ts";
import { NAME_MAX_LENGTH } from "../../rooms/rules/constants.ts";
import { cleanPlayerName } from "../../rooms/rules/text.ts";
import { checkHealth, type HealthCheck } from "../health.ts";
import { mountAdmin, type PresencePublish } from "./admin.ts";
import { jsonErrorHandler, sendError } from "./http-errors.ts";
import { tokenRefreshHandler } from "./token-refresh.ts";

export interface ApiDeps {
  db: Database;
  profiles: ProfileStore;
  leaderboard: Leaderboard;
  tokens: TokenService;
  health: { redis: HealthCheck; postgres: HealthCheck; queue: HealthCheck };
  log: Logger;
  config: Pick<Config, "ADMIN_PASSWORD" | "TOKEN_REFRESH_GRACE_SECONDS" | "REDIS_PREFIX" | "TRUST_PROXY">;
  /** Publishes announcements to every node; Colyseus's presence by default. */
  publish?: PresencePublish;
}

/** Creates a guest player and returns `{ playerId, name, token }`. */
function guestHandler(deps: ApiDeps) {
  return async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const rawName = typeof body === "object" && body !== null ? (body as { name?: unknown }).name : undefined;
    const name = typeof rawName === "string" ? cleanPlayerName(rawName) : undefined;
    if (name === undefined) {
      sendError(res, 400, "NAME_INVALID", `body must be JSON {"name": "..."} with 1 to ${NAME_MAX_LENGTH} printable characters`);
      return;
    }

    try {
      const playerId = randomUUID();
      const profile = await insertPlayer(deps.db, playerId, name);
      await deps.profiles.seed(profile);
      const token = await deps.tokens.sign({ playerId, name });
      deps.log.info({ playerId }, "guest created");
      res.status(201).json({ playerId, name, token });
    } catch (error) {
      deps.log.error({ err: error }, "guest creation failed");
      sendError(res, 503, "UNAVAILABLE", "could not create the guest; try again shortly");
    }
  };
}

/** Returns the top players by total score; `limit` 1..100, default 10. */
function leaderboardHandler(deps: ApiDeps) {
  return async (req: Request, res: Response) => {
    const raw = req.query.limit;
    const limit = raw === undefined ? 10 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > LEADERBOARD_MAX_LIMIT) {
      sendError(res, 400, "LIMIT_INVALID", `limit must be an integer from 1 to ${LEADERBOARD_MAX_LIMIT}, got ${String(raw)}`);
      return;
    }
    try {
      res.json({ entries: await deps.leaderboard.top(limit) });
    } catch (error) {
      deps.log.error({ err: error }, "leaderboard read failed");
      sendError(res, 503, "UNAVAILABLE", "leaderboard is unavailable; try again shortly");
    }
  };
}

/**
 * Mounts the HTTP API: guest creation, token refresh, leaderboard, health, and the admin
 * routes when ADMIN_PASSWORD is set. Rate limits and the origin check run before express, in
 * the transport's HTTP gate.
 */
export function mountApi(app: express.Application, deps: ApiDeps): void {
  // The framework's name only helps someone looking for a known vulnerability in it.
  app.disable("x-powered-by");
  app.post("/api/guest", express.json({ limit: "2kb" }), guestHandler(deps));
  app.post("/api/token/refresh", tokenRefreshHandler({ tokens: deps.tokens, graceSeconds: deps.config.TOKEN_REFRESH_GRACE_SECONDS, log: deps.log }));
  app.get("/api/leaderboard", leaderboardHandler(deps));
  if (deps.config.ADMIN_PASSWORD !== undefined) {
    mountAdmin(app, {
      password: deps.config.ADMIN_PASSWORD,
      trustProxy: deps.config.TRUST_PROXY,
      announcementChannel: createRedisKeys(deps.config.REDIS_PREFIX).announcementChannel,
      publish: deps.publish ?? ((channel, payload) => matchMaker.presence.publish(channel, payload)),
      log: deps.log,
    });
  }
  app.get("/healthz", async (_req, res) => {
    const report = await checkHealth(deps.health);
    res.status(report.status === "ok" ? 200 : 503).json(report);
  });
  // Unknown API paths, and the admin routes while they are off, return 404 like any missing route.
  app.use("/api", (_req: Request, res: Response) => sendError(res, 404, "NOT_FOUND", "no such API route"));
  app.use("/api", jsonErrorHandler(deps.log));
}
