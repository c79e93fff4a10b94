import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Transport } from "@colyseus/core";
import type { Logger } from "../logger.ts";
import { installNodeGate } from "../security/node-gate.ts";
import { buildTransportSecurity, UNGUARDED_TRANSPORT, type TransportSecurity, type TransportSettings } from "../security/transport-security.ts";
import { installUwsGate } from "../security/uws-gate.ts";
import { ListenGuard } from "./listen-guard.ts";

/**
 * uWebSockets.js's listen option LIBUS_LISTEN_EXCLUSIVE_PORT. Its type definitions declare an enum
 * `ListenOptions` that the module does not export at run time, so the value is written here.
 */
const LISTEN_EXCLUSIVE_PORT = 1;

export type TransportChoice = "auto" | "uws" | "ws";
export type { TransportSettings };

/**
 * Checks whether uWebSockets.js can load its native binary. The package falls back to a slow
 * pure-JavaScript server without failing when the binary does not load, so requiring the
 * binary directly is the only way to know which one would run.
 */
export function probeNativeUws(): { ok: true } | { ok: false; reason: string } {
  if (/^(1|true)$/i.test(process.env.UWS_USE_FALLBACK ?? "")) {
    return { ok: false, reason: "UWS_USE_FALLBACK is set" };
  }
  const require = createRequire(import.meta.url);
  try {
    const packageDir = dirname(require.resolve("uWebSockets.js/package.json"));
    const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
    require(join(packageDir, "binaries", binary));
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.split("\n")[0] ?? "unknown error" };
  }
}

/**
 * Returns the WebSocket transport: uWebSockets.js when its native binary loads, otherwise the
 * `ws` transport, with the reason logged. TRANSPORT=uws makes a missing binary an error.
 * With `settings`, the transport enforces the frame limit, TLS, the origin list and the HTTP
 * gate. Without them (the benchmark's bare server) it enforces only the default frame limit.
 */
export async function createTransport(
  choice: TransportChoice,
  log: Logger,
  settings?: TransportSettings,
  guard: ListenGuard = new ListenGuard({ host: settings?.HOST, port: 0 }),
): Promise<{ transport: Transport; name: "uws" | "ws"; secure: boolean }> {
  const security = settings ? buildTransportSecurity(settings, log) : UNGUARDED_TRANSPORT;
  const secure = security.tls !== undefined;
  if (choice !== "ws") {
    const probe = probeNativeUws();
    if (probe.ok) return { transport: await createUwsTransport(security, guard), name: "uws", secure };
    if (choice === "uws") {
      throw new Error(`TRANSPORT=uws but the uWebSockets.js native binary did not load (${probe.reason}); unset TRANSPORT to fall back to ws`);
    }
    log.warn({ reason: probe.reason }, "uWebSockets.js native binary not available; using the ws transport");
  }
  return { transport: await createWsTransport(security, guard), name: "ws", secure };
}

async function createUwsTransport(security: TransportSecurity, guard: ListenGuard): Promise<Transport> {
  const { uWebSocketsTransport } = await import("@colyseus/uwebsockets-transport");
  // uWebSockets.js switches to its SSLApp when both file names are given.
  const appOptions = security.tls ? { cert_file_name: security.tls.certFile, key_file_name: security.tls.keyFile } : {};
  const transport = new uWebSocketsTransport(
    { maxPayloadLength: security.maxMessageBytes, ...(security.beforeUpgrade ? { beforeUpgrade: security.beforeUpgrade } : {}) },
    appOptions,
  );
  if (security.gate) installUwsGate(transport.app, security.gate);
  listenExclusively(transport.app, security.host, guard);
  return transport;
}

/**
 * Makes the uWebSockets.js app listen on `host` (all interfaces when unset) with an exclusive
 * port, and reports a failed listen to `guard`. Colyseus's transport (0.18.2) calls
 * `app.listen(port, callback)`, which ignores HOST. Without the exclusive option,
 * uWebSockets.js shares a port that another of its processes already listens on.
 */
function listenExclusively(app: import("uWebSockets.js").TemplatedApp, host: string | undefined, guard: ListenGuard): void {
  const listen = app.listen.bind(app) as (...args: unknown[]) => unknown;
  const listenGuarded = (port: number, callback: (socket: unknown) => void) => {
    const done = (socket: unknown) => {
      if (!socket) guard.fail("the port is in use or the address does not belong to this machine");
      callback(socket);
    };
    if (host === undefined) listen(port, LISTEN_EXCLUSIVE_PORT, done);
    else listen(host, port, LISTEN_EXCLUSIVE_PORT, done);
    return app;
  };
  app.listen = listenGuarded as typeof app.listen;
}

async function createWsTransport(security: TransportSecurity, guard: ListenGuard): Promise<Transport> {
  const { WebSocketTransport } = await import("@colyseus/ws-transport");
  const server = security.tls ? createHttpsServer({ cert: security.tls.cert, key: security.tls.key }) : createHttpServer();
  if (security.gate) installNodeGate(server, security.gate);
  // Colyseus listens for errors only once the server is listening.
  const onListenError = (error: NodeJS.ErrnoException) => guard.fail(error.code ?? error.message);
  server.once("error", onListenError);
  server.once("listening", () => server.off("error", onListenError));
  return new WebSocketTransport({
    maxPayload: security.maxMessageBytes,
    server,
    ...(security.beforeUpgrade ? { beforeUpgrade: security.beforeUpgrade } : {}),
  });
}
