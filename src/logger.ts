import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Creates the process logger: structured JSON lines on stdout, one per event.
 * Secrets never reach it because configuration is logged only through `describeConfig`.
 */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    redact: { paths: ["token", "*.token", "password", "*.password", "JWT_SECRET"], censor: "[redacted]" },
  });
}
