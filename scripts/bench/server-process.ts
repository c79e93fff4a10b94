import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { once } from "node:events";

const READY_TIMEOUT_MS = 40_000;
const STOP_TIMEOUT_MS = 30_000;

/** A server process the benchmark started; it stops it by its own pid and no other way. */
export interface ServerProcess {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Starts a game node and resolves once GET /healthz on `port` returns 200. */
export async function startServer(entry: string, port: number, env: Record<string, string>, logFile: string, nodeArgs: string[] = []): Promise<ServerProcess> {
  return startProcess(entry, port, env, logFile, () => answers(`http://127.0.0.1:${port}/healthz`), nodeArgs);
}

/**
 * Starts `node --import tsx <entry>` with `env` and PORT, logs to `logFile`, and resolves once
 * `ready()` is true. The child is killed if it does not come up in time.
 */
export async function startProcess(
  entry: string,
  port: number,
  env: Record<string, string>,
  logFile: string,
  ready: () => Promise<boolean>,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const log = openSync(logFile, "a");
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", entry], {
    env: { ...process.env, ...env, ...(port > 0 ? { PORT: String(port) } : {}) },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${entry}`);
  const exited = once(child, "exit");

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await ready())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${entry} on port ${port} did not become ready; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return {
    pid,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS).unref());
      if ((await Promise.race([exited, timeout])) === "timeout") {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
