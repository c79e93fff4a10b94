import { createServer, type Server } from "node:http";
import type { Logger } from "../logger.ts";
import type { GameMetrics } from "../metrics/game-metrics.ts";
import { checkHealth, type HealthCheck } from "../server/health.ts";

/**
 * Serves a worker's `/metrics` (Prometheus) and `/healthz` on its own port, so a worker that
 * runs no game server can still be scraped and probed. Resolves once listening.
 */
export async function startWorkerHttp(
  port: number,
  host: string,
  metrics: GameMetrics,
  health: { redis: HealthCheck; postgres: HealthCheck; queue: HealthCheck },
  log: Logger,
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/metrics") {
      metrics.registry.metrics().then(
        (body) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(body),
        (error: Error) => {
          log.error({ err: error.message }, "could not render metrics");
          response.writeHead(500).end();
        },
      );
      return;
    }
    if (request.method === "GET" && path === "/healthz") {
      void checkHealth(health).then((report) => {
        response.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(report));
      });
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found: the worker serves GET /metrics and GET /healthz\n");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  log.info({ port }, "worker metrics and health listening");
  return server;
}
