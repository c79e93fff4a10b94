import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./ports.ts";

const run = promisify(execFile);
/** Directory of initdb and pg_ctl: PG_BIN, or the newest Debian install under /usr/lib/postgresql. */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql; install postgresql or set PG_BIN");
  return `/usr/lib/postgresql/${newest}/bin`;
}
const BIN = binDir();

/** A PostgreSQL cluster the chaos runner created in a temporary directory, on 127.0.0.1 only. */
export interface PostgresCluster {
  port: number;
  /** URL of database `name` as user postgres (trust authentication). */
  url(name: string): string;
  /** pg_ctl stop -m fast: disconnects every client, as an outage or a failover does. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and removes its directory. */
  destroy(): Promise<void>;
}

/** PostgreSQL refuses to run as root; then its tools run as the `postgres` OS user. */
function asOwner(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

async function pgTool(tool: string, args: string[]): Promise<void> {
  const [command, fullArgs] = asOwner(path.join(BIN, tool), args);
  await run(command, fullArgs, { timeout: 60_000 });
}

/** Creates a cluster with initdb (no fsync, trust authentication) and starts it on a free port. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "orbit-chaos-pg-"));
  if (process.getuid?.() === 0) chownSync(dir, Number((await run("id", ["-u", "postgres"])).stdout.trim()), Number((await run("id", ["-g", "postgres"])).stdout.trim()));
  const data = path.join(dir, "data");
  await pgTool("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;

  const cluster: PostgresCluster = {
    port,
    url: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    start: () => pgTool("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "postgres.log"), "-w", "-t", "60", "start"]),
    stop: () => pgTool("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]),
    async destroy() {
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

/** Runs `sql` on a short-lived connection to `url`. */
export async function sqlOnce<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
