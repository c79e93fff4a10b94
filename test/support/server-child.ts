import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Output kept per process; past it the oldest text is dropped. */
const MAX_OUTPUT_CHARS = 8 * 1024 * 1024;

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/**
 * `src/server/main.ts` in a child process, for tests that need the real entry point, its
 * real logger, or a process whose crash the test can observe. Only PATH and HOME are
 * inherited, so the developer's shell cannot change what the server does.
 */
export class ServerChild {
  #output = "";
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly process: ChildProcess) {
    const append = (chunk: Buffer) => {
      this.#output += chunk.toString("utf8");
      if (this.#output.length > MAX_OUTPUT_CHARS) this.#output = this.#output.slice(-MAX_OUTPUT_CHARS);
    };
    process.stdout?.on("data", append);
    process.stderr?.on("data", append);
    this.#exited = new Promise((resolve) => process.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Starts the server and waits until `${baseUrl}/healthz` responds, whatever the log level. */
  static async start(env: Record<string, string>, baseUrl: string, timeoutMs = 30_000): Promise<ServerChild> {
    const inherited = Object.fromEntries(["PATH", "HOME", "TMPDIR"].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
    const child = new ServerChild(
      spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], { cwd: REPOSITORY_ROOT, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] }),
    );
    const deadline = Date.now() + timeoutMs;
    while (!(await answers(`${baseUrl}/healthz`))) {
      if (!child.running || Date.now() > deadline) {
        child.process.kill("SIGKILL");
        throw new Error(`server did not start (exit ${child.process.exitCode}); output:\n${child.output.slice(-4000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return child;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get output(): string {
    return this.#output;
  }

  /** True while the process has not exited. */
  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Sends SIGTERM and waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.process.kill("SIGTERM");
    const timer = setTimeout(() => this.process.kill("SIGKILL"), timeoutMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
