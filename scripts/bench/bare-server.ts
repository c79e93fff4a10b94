/**
 * A game node with only the bare room, for the benchmark. It returns a dummy token from `POST /api/guest`,
 * so the bots take the same path as against the real server.
 *
 * Environment: PORT, TRANSPORT (uws or ws), BARE_ALIGNED (true to try the proposed tick changes).
 */
import { randomUUID } from "node:crypto";
import { defineRoom, defineServer } from "@colyseus/core";
import { createLogger } from "../../src/logger.ts";
import { createTransport } from "../../src/server/transport.ts";
import { AlignedBareRoom, BareRoom } from "./bare-room.ts";

const port = Number(process.env.PORT ?? 3690);
const choice = process.env.TRANSPORT === "ws" ? "ws" : "uws";
const aligned = process.env.BARE_ALIGNED === "true";
const log = createLogger("warn", "bare-server");

const { transport } = await createTransport(choice, log);
const server = defineServer({
  rooms: { arena: defineRoom(aligned ? AlignedBareRoom : BareRoom) },
  transport,
  greet: false,
  express: (app) => {
    app.post("/api/guest", (_req, res) => {
      res.status(201).json({ playerId: randomUUID(), name: "bare", token: "bare" });
    });
    app.get("/healthz", (_req, res) => {
      res.json({ status: "ok" });
    });
  },
});
await server.listen(port, "127.0.0.1");
