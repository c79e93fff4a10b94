import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express from "express";
import type { Logger } from "../../logger.ts";

/** Folder of the built browser client (`npm run build:client`). */
export const CLIENT_DIST = fileURLToPath(new URL("../../../client-demo/dist/", import.meta.url));

/** Serves the built browser client at `/`, or a page saying how to build it. */
export function mountClient(app: express.Application, log: Logger): void {
  if (!existsSync(CLIENT_DIST)) {
    log.warn({ folder: CLIENT_DIST }, "browser client is not built; run npm run build:client");
    app.get("/", (_req, res) => {
      res.status(503).type("text/plain").send("The browser client is not built yet: run `npm run build:client`, then reload.");
    });
    return;
  }
  app.use(express.static(CLIENT_DIST, { index: "index.html", maxAge: "1h" }));
}
