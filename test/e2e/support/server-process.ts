/**
 * A game server (or a job worker) in a child process (`node --import tsx src/server/main.ts`),
 * so a test can stop it with SIGTERM like an operator would, kill it with SIGKILL like a crash
 * would, and start it again on the same port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { REPOSITORY_ROOT } from "./paths.ts";

/** Lines of server output kept for the error message when something fails. */
const OUTPUT_LINES_KEPT = 200;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export class ServerProcess {
  private child: ChildProcess | null = null;
  private readonly output: string[] = [];

  /**
   * @param baseUrl where the process responds to `GET /healthz` once it is ready
   * @param entry the TypeScript file to run, relative to the repository root
   */
  constructor(
    private readonly environment: Record<string, string>,
    readonly baseUrl: string,
    private readonly entry = "src/server/main.ts",
  ) {}

  /** Starts the server and resolves once /healthz returns 200. */
  async start(): Promise<void> {
    if (this.child !== null) {
      throw new Error("the server process is already running");
    }
    // Node runs tsx as a loader in the same process, so SIGTERM reaches the server itself and
    // not a wrapper that might not forward it.
    const child = spawn(process.execPath, ["--import", "tsx", this.entry], {
      cwd: REPOSITORY_ROOT,
      env: this.environment,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout?.on("data", (chunk: Buffer) => this.keep(chunk));
    child.stderr?.on("data", (chunk: Buffer) => this.keep(chunk));
    await this.waitUntilHealthy(child);
  }

  /** Sends SIGTERM and waits for the exit, with SIGKILL after STOP_TIMEOUT_MS if the graceful stop hangs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === null) {
      return;
    }
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process with SIGKILL, as a crash or an out-of-memory kill would, and waits for the exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === null) {
      return;
    }
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** Returns the last lines the server printed, for failure messages. */
  recentOutput(): string {
    return this.output.join("\n");
  }

  private keep(chunk: Buffer): void {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() !== "") {
        this.output.push(line);
      }
    }
    this.output.splice(0, Math.max(0, this.output.length - OUTPUT_LINES_KEPT));
  }

  private async waitUntilHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`${this.entry} exited with code ${child.exitCode} while starting:\n${this.recentOutput()}`);
      }
      if (await this.healthy()) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.entry} did not answer ${this.baseUrl}/healthz within ${READY_TIMEOUT_MS} ms:\n${this.recentOutput()}`);
  }

  private async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      return response.status === 200;
    } catch {
      // Not listening yet.
      return false;
    }
  }
}
