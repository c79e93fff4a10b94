import type { ErrorRequestHandler, NextFunction, Request, Response } from "express";
import type { Logger } from "../../logger.ts";

/** Sends a JSON error body with a stable code the client maps to a message. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: code, message });
}

/** A body-parser error: `type` and `status` come from the `body-parser` package. */
interface BodyError extends Error {
  type?: string;
  status?: number;
}

/**
 * Returns express error middleware for the API. A request body that could not be read
 * (malformed JSON, too large) gets the API's JSON error format instead of express's HTML page.
 * Every error is logged as one structured line without the body.
 */
export function jsonErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: BodyError, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error.type === "entity.too.large") {
      log.warn({ path: req.path, type: error.type }, "request body too large");
      sendError(res, 413, "BODY_TOO_LARGE", "request body is too large");
      return;
    }
    if (error.type === "entity.parse.failed" || error.status === 400) {
      log.warn({ path: req.path, type: error.type, err: error.message }, "invalid request body");
      sendError(res, 400, "BODY_INVALID", "request body is not valid JSON; send a JSON object such as {\"name\":\"Ada\"}");
      return;
    }
    log.error({ path: req.path, err: error }, "request failed");
    sendError(res, 500, "INTERNAL", "the server could not handle the request; try again");
  };
}
