import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { waitUntil } from "./wait.ts";

export type LogLine = Record<string, unknown> & { msg?: string; time?: number };

/** A game node or worker the chaos runner started, with the JSON log lines it printed. */
export interface NodeProcess {
  name: string;
  child: ChildProcess;
  logs: LogLine[];
  /** Log lines whose message is `msg`. */
  lines(msg: string): LogLine[];
  /** Resolves with the first line with message `msg` (already printed or not), or throws after `timeoutMs`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<number | NodeJS.Signals | null>;
  /** Last lines of stderr, for error messages. */
  stderr(): string;
  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | NodeJS.Signals | null>;
}

/** Starts a TypeScript entry point of this repository with tsx. */
export function startNodeProcess(name: string, entry: string, env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  createInterface({ input: child.stdout! }).on("line", (text) => {
    try {
      logs.push(JSON.parse(text) as LogLine);
    } catch {
      // Not a pino line (Colyseus prints a few plain ones).
    }
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });

  return {
    name,
    child,
    logs,
    exited,
    lines: (msg) => logs.filter((line) => line.msg === msg),
    stderr: () => stderr,
    async waitForLog(msg, timeoutMs = 30_000) {
      return waitUntil(`${name} to log "${msg}"`, () => {
        const line = logs.find((candidate) => candidate.msg === msg);
        if (line) return line;
        if (done) throw new Error(`${name} exited before logging "${msg}"; stderr: ${stderr}`);
        return undefined;
      }, timeoutMs, 50);
    },
    async stop(signal = "SIGTERM", timeoutMs = 15_000) {
      if (done) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
