import { connect, type NetConnectOpts } from "node:net";

/** Address of a service: a TCP host and port, or a Unix socket path. */
export type ProbeTarget = { host: string; port: number } | { path: string };

/** Outcome of a probe, with the reason when the connection failed. */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Checks whether anything accepts connections at `target`. Tests pass their own implementation. */
export type AddressProbe = (target: ProbeTarget, timeoutMs: number) => Promise<ProbeResult>;

/** Strips the brackets that URLs put around IPv6 addresses. */
function unbracket(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** Returns the address ioredis connects to for `url`, by default localhost:6379. */
export function redisTarget(url: string): ProbeTarget {
  const parsed = new URL(url);
  return { host: unbracket(parsed.hostname) || "localhost", port: parsed.port ? Number(parsed.port) : 6379 };
}

/**
 * Returns the address node-postgres connects to for `url`. A `host` query parameter overrides
 * the URL's host, and one that starts with "/" names the directory of PostgreSQL's Unix socket.
 */
export function postgresTarget(url: string): ProbeTarget {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : 5432;
  const hostParameter = parsed.searchParams.get("host");
  if (hostParameter?.startsWith("/")) return { path: `${hostParameter}/.s.PGSQL.${port}` };
  return { host: hostParameter || unbracket(parsed.hostname) || "localhost", port };
}

/** Human-readable form of a target, for log lines and error messages. */
export function describeTarget(target: ProbeTarget): string {
  if ("path" in target) return target.path;
  return target.host.includes(":") ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/**
 * Opens a TCP or Unix socket connection to `target` and closes it again. It sends no protocol
 * bytes, so it only shows that something listens there, not that it is Redis or PostgreSQL.
 */
export const probeAddress: AddressProbe = (target, timeoutMs) =>
  new Promise((resolve) => {
    const options: NetConnectOpts = "path" in target ? { path: target.path } : { host: target.host, port: target.port };
    const socket = connect(options);
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once("connect", () => finish({ ok: true }));
    socket.once("error", (error: NodeJS.ErrnoException) => finish({ ok: false, reason: error.code ?? error.message }));
  });
