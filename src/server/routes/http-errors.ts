import type { Response } from "express";

/** Sends a JSON error body with a stable code the client maps to a message. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: code, message });
}
