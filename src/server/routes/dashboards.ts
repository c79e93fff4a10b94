import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { monitor } from "@colyseus/monitor";
import { createRequire } from "node:module";
import path from "node:path";
import ejs from "ejs";
import type express from "express";
import type { Queue } from "bullmq";
import type { Logger } from "../../logger.ts";
import { requireAdmin } from "../../security/admin-auth.ts";

export interface DashboardDeps {
  password: string;
  trustProxy: boolean;
  /** BullMQ queues to show; empty when jobs run in this process. */
  queues: Queue[];
  log: Logger;
}

export const MONITOR_PATH = "/admin/monitor";
export const QUEUES_PATH = "/admin/queues";

/**
 * Mounts the Colyseus monitor (rooms of every node) and the BullMQ dashboard, both behind the
 * admin credential. Call it only with a password: without one they must not exist.
 */
export function mountDashboards(app: express.Application, deps: DashboardDeps): void {
  const admin = requireAdmin({ password: deps.password, trustProxy: deps.trustProxy, log: deps.log });
  app.use(MONITOR_PATH, admin, monitor());

  if (deps.queues.length === 0) return;
  const board = new ExpressAdapter();
  board.setBasePath(QUEUES_PATH);
  createBullBoard({ queues: deps.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board });
  // uwebsockets-express renders views with the top-level app's settings, not the mounted
  // dashboard's, so the dashboard's page template must be findable from the top level.
  const require = createRequire(import.meta.url);
  app.engine("ejs", ejs.renderFile);
  app.set("view engine", "ejs");
  app.set("views", path.join(path.dirname(require.resolve("@bull-board/ui/package.json")), "dist"));
  app.use(QUEUES_PATH, admin, board.getRouter());
}
