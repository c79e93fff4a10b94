import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./ports.ts";
import { waitUntil } from "./wait.ts";

/** A redis-server that the chaos runner started on 127.0.0.1, with its own data directory. */
export interface RedisServer {
  port: number;
  /** URL of logical database `db`. */
  url(db?: number): string;
  /** Kills the server with SIGKILL (no final fsync) and waits for its exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory; the AOF brings the data back. */
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets open but answers nothing, like a dropped network. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Runs one command on a short-lived connection. */
  command(name: string, ...args: string[]): Promise<unknown>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra redis-server arguments, e.g. ["--maxmemory-policy", "allkeys-lru"]. */
  args?: string[];
}

/**
 * Starts `redis-server` with AOF on (appendfsync everysec, the production setting) in a fresh
 * temporary directory, on a free port of 127.0.0.1 only.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "orbit-chaos-redis-"));
  const args = [
    "--port", String(port), "--bind", "127.0.0.1", "--dir", dir,
    "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
    "--logfile", path.join(dir, "redis.log"),
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;

  const ping = async (): Promise<true | undefined> => {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === "PONG" ? true : undefined;
    } finally {
      client.disconnect();
    }
  };
  const exited = (process: ChildProcess) => new Promise<void>((resolve) => {
    if (process.exitCode !== null || process.signalCode !== null) resolve();
    else process.once("exit", () => resolve());
  });

  const server: RedisServer = {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    async start() {
      child = spawn("redis-server", args, { stdio: "ignore" });
      // Loading a large AOF takes a moment; ping answers LOADING until it is done.
      await waitUntil(`redis-server on port ${port}`, ping, 15_000, 50);
    },
    async kill() {
      if (!child) return;
      const current = child;
      current.kill("SIGCONT");
      current.kill("SIGKILL");
      await exited(current);
    },
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    async command(name, ...rest) {
      const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
      try {
        return await client.call(name, ...rest);
      } finally {
        client.disconnect();
      }
    },
    async destroy() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGTERM");
        const timer = setTimeout(() => child?.kill("SIGKILL"), 5000);
        await exited(child);
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
