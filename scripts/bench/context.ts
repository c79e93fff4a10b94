import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { LoadTestOptions } from "../loadtest/options.ts";
import { runLoadTest, type LoadTestHooks } from "../loadtest/run.ts";
import type { LoadTestSummary } from "../loadtest/summary.ts";
import type { RedisLease } from "./redis-lease.ts";
import { readFile } from "node:fs/promises";
import { waitForQuiet } from "./quiet.ts";
import { startProcess, startServer, type ServerProcess } from "./server-process.ts";

/** One benchmark run: where its servers keep their data, where results go, and what it started. */
export class BenchContext {
  readonly quick: boolean;
  readonly outDir: string;
  readonly redis: RedisLease;
  readonly databaseUrl: string;
  readonly #secret = randomBytes(32).toString("hex");
  readonly #started = new Set<ServerProcess>();
  /** Time the run may still spend waiting for the machine to calm down before load tests. */
  readonly #quietBudget: { remainingMs: number };

  constructor(options: { quick: boolean; outDir: string; redis: RedisLease; databaseUrl: string }) {
    this.quick = options.quick;
    this.outDir = options.outDir;
    this.redis = options.redis;
    this.databaseUrl = options.databaseUrl;
    this.#quietBudget = { remainingMs: options.quick ? 10_000 : 180_000 };
  }

  /** Environment of a real game node (or worker) on the benchmark's own Redis database and PostgreSQL database. */
  arenaEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      STORAGE_MODE: "external",
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: "bench:",
      DATABASE_URL: this.databaseUrl,
      JWT_SECRET: this.#secret,
      LOG_LEVEL: "info",
      ...extra,
    };
  }

  async startArena(name: string, port: number, extra: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
    const env = this.arenaEnv({ PUBLIC_ADDRESS: `127.0.0.1:${port}`, ...extra });
    const server = await startServer("src/server/main.ts", port, env, join(this.outDir, `${name}.log`), nodeArgs);
    this.#started.add(server);
    return server;
  }

  async startBare(name: string, port: number, transport: "uws" | "ws", aligned: boolean): Promise<ServerProcess> {
    const env = { TRANSPORT: transport, BARE_ALIGNED: String(aligned) };
    const server = await startServer("scripts/bench/bare-server.ts", port, env, join(this.outDir, `${name}.log`));
    this.#started.add(server);
    return server;
  }

  /** Starts `npm run worker`'s entry point and resolves once its workers are up. */
  async startWorker(name: string): Promise<ServerProcess> {
    const logFile = join(this.outDir, `${name}.log`);
    const ready = async () => (await readFile(logFile, "utf8").catch(() => "")).includes("job workers started");
    const worker = await startProcess("src/jobs/worker-main.ts", 0, this.arenaEnv(), logFile, ready);
    this.#started.add(worker);
    return worker;
  }

  async stop(server: ServerProcess): Promise<void> {
    await server.stop();
    this.#started.delete(server);
  }

  /** Stops every server this run started that is still up. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#started].map((server) => this.stop(server)));
  }

  /** Runs one load test against `port` with the benchmark's defaults, measuring `serverPids`. */
  async loadTest(name: string, port: number, serverPids: number[], overrides: Partial<LoadTestOptions>, hooks: LoadTestHooks = {}): Promise<LoadTestSummary> {
    const clients = overrides.clients ?? 100;
    const options: LoadTestOptions = {
      endpoint: `ws://127.0.0.1:${port}`,
      clients,
      durationSeconds: this.quick ? 8 : 15,
      rampPerSecond: 250,
      fill: "create-per-16",
      processes: Math.ceil(clients / 500),
      rejoinPerMinute: 0.2,
      chatPerMinute: 1,
      globalChatShare: 0,
      outDir: join(this.outDir, name),
      serverPids,
      sampleEvery: 16,
      warmupSeconds: 3,
      progress: false,
      ...overrides,
    };
    const startLoad = await waitForQuiet(this.#quietBudget);
    if (startLoad >= 0.5) log(`  machine busy with ${startLoad.toFixed(2)} cores before ${name}; measuring anyway`);
    const summary = await runLoadTest(options, hooks);
    const rtt = summary.latency.inputRtt;
    log(
      `  ${name}: ${summary.clients.avgConnected} clients, server ${summary.server.cores} cores (${summary.server.coresPer1000Clients}/1k), rtt p50 ${rtt.p50} p99 ${rtt.p99} ms, bots ${summary.bots.cores} cores, other ${summary.otherLoadCores} cores, failures ${summary.clients.joinFailures}`,
    );
    return summary;
  }
}

export function log(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}
