import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { startNodeProcess, type NodeProcess } from "./node-process.ts";
import { freePort } from "./ports.ts";
import { processEnv, type ScenarioSpace } from "./stage.ts";

/** A game node process and the base URL of its HTTP API. */
export interface GameNodeProcess {
  process: NodeProcess;
  port: number;
  baseUrl: string;
}

/** Starts `npm start`'s entry (without the client build) and waits until it listens. */
export async function startGame(name: string, space: ScenarioSpace, overrides: Record<string, string> = {}): Promise<GameNodeProcess> {
  const port = await freePort();
  const node = startNodeProcess(name, "src/server/main.ts", processEnv(space, { PORT: String(port), PUBLIC_ADDRESS: `127.0.0.1:${port}`, ...overrides }));
  await node.waitForLog("game server listening", 60_000);
  return { process: node, port, baseUrl: `http://127.0.0.1:${port}` };
}

/** Starts `npm run worker`'s entry and waits until its workers run. */
export async function startWorker(name: string, space: ScenarioSpace, overrides: Record<string, string> = {}): Promise<NodeProcess> {
  const worker = startNodeProcess(name, "src/jobs/worker-main.ts", processEnv(space, { WORKER_PORT: String(await freePort()), ...overrides }));
  await worker.waitForLog("worker started", 60_000);
  return worker;
}

/** Stops every process that is still running; SIGKILL for those that do not exit in time. */
export async function stopAll(processes: ReadonlyArray<NodeProcess | undefined>): Promise<void> {
  const running = processes.filter((node): node is NodeProcess => node !== undefined);
  await Promise.all(running.map((node) => node.stop("SIGTERM", 10_000)));
  const dir = process.env.CHAOS_LOG_DIR;
  if (!dir) return;
  // For a failed run: every process's JSON log lines, one file per process name.
  mkdirSync(dir, { recursive: true });
  for (const node of running) {
    appendFileSync(path.join(dir, `${node.name}.log`), `${node.logs.map((line) => JSON.stringify(line)).join("\n")}\n--- stderr ---\n${node.stderr()}\n`);
  }
}
