import express, { type Request, type Response } from "express";
import { z } from "zod";
import type { Logger } from "../../logger.ts";
import { ANNOUNCEMENT_MAX_LENGTH, AnnouncementMessage } from "../../rooms/cluster-messages.ts";
import { cleanText } from "../../rooms/rules/text.ts";
import { requireAdmin } from "../../security/admin-auth.ts";
import { sendError } from "./http-errors.ts";

/** Publishes a payload on a presence channel of the whole cluster. */
export type PresencePublish = (channel: string, payload: AnnouncementMessage) => Promise<unknown> | unknown;

export interface AdminDeps {
  password: string;
  trustProxy: boolean;
  announcementChannel: string;
  publish: PresencePublish;
  log: Logger;
}

const AnnounceBody = z.object({ text: z.string() }).strict();

/** Returns the cleaned announcement text, or undefined when the body is not `{ text }` with 1..500 printable characters. */
function announcementText(body: unknown): string | undefined {
  const parsed = AnnounceBody.safeParse(body);
  if (!parsed.success) return undefined;
  const text = cleanText(parsed.data.text);
  const length = Array.from(text).length;
  return length >= 1 && length <= ANNOUNCEMENT_MAX_LENGTH ? text : undefined;
}

/** `POST /api/admin/announce` `{ text }`: every room of every node broadcasts it as `announcement`. */
function announceHandler(deps: AdminDeps) {
  return async (req: Request, res: Response) => {
    const text = announcementText(req.body);
    if (text === undefined) {
      sendError(res, 400, "TEXT_INVALID", `body must be JSON {"text": "..."} with 1 to ${ANNOUNCEMENT_MAX_LENGTH} printable characters`);
      return;
    }
    const message = AnnouncementMessage.parse({ text, sentAt: Date.now() });
    try {
      await deps.publish(deps.announcementChannel, message);
      deps.log.info({ ip: req.ip, length: text.length, sentAt: message.sentAt }, "announcement published");
      res.status(202).json(message);
    } catch (error) {
      deps.log.error({ sentAt: message.sentAt, err: error }, "announcement could not be published");
      sendError(res, 503, "UNAVAILABLE", "could not publish the announcement; try again shortly");
    }
  };
}

/** Mounts the admin routes. Call it only with a password: without one they must not exist. */
export function mountAdmin(app: express.Application, deps: AdminDeps): void {
  const admin = express.Router();
  admin.use(requireAdmin({ password: deps.password, trustProxy: deps.trustProxy, log: deps.log }));
  admin.post("/announce", express.json({ limit: "4kb" }), announceHandler(deps));
  app.use("/api/admin", admin);
}
