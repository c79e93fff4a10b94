import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Transport } from "@colyseus/core";
import type { Logger } from "../logger.ts";
import { installNodeGate } from "../security/node-gate.ts";
import { buildTransportSecurity, UNGUARDED_TRANSPORT, type TransportSecurity, type TransportSettings } from "../security/transport-security.ts";
import { installUwsGate } from "../security/uws-gate.ts";

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
): Promise<{ transport: Transport; name: "uws" | "ws"; secure: boolean }> {
  const security = settings ? buildTransportSecurity(settings, log) : UNGUARDED_TRANSPORT;
  const secure = security.tls !== undefined;
  if (choice !== "ws") {
    const probe = probeNativeUws();
    if (probe.ok) return { transport: await createUwsTransport(security), name: "uws", secure };
    if (choice === "uws") {
      throw new Error(`TRANSPORT=uws but the uWebSockets.js native binary did not load (${probe.reason}); unset TRANSPORT to fall back to ws`);
    }
    log.warn({ reason: probe.reason }, "uWebSockets.js native binary not available; using the ws transport");
  }
  return { transport: await createWsTransport(security), name: "ws", secure };
}

async function createUwsTransport(security: TransportSecurity): Promise<Transport> {
  const { uWebSocketsTransport } = await import("@colyseus/uwebsockets-transport");
  // uWebSockets.js switches to its SSLApp when both file names are given.
  const appOptions = security.tls ? { cert_file_name: security.tls.certFile, key_file_name: security.tls.keyFile } : {};
  const transport = new uWebSocketsTransport(
    { maxPayloadLength: security.maxMessageBytes, ...(security.beforeUpgrade ? { beforeUpgrade: security.beforeUpgrade } : {}) },
    appOptions,
  );
  if (security.gate) installUwsGate(transport.app, security.gate);
  if (security.host !== undefined) bindUwsHost(transport.app, security.host);
  return transport;
}

/**
 * Makes the uWebSockets.js app listen on `host`. Colyseus's transport (0.18.2) calls
 * `app.listen(port, callback)`, which listens on every interface whatever HOST is set to.
 */
function bindUwsHost(app: import("uWebSockets.js").TemplatedApp, host: string): void {
  const listen = app.listen.bind(app) as (host: string, port: number, callback: (socket: unknown) => void) => unknown;
  const listenOnHost = (port: number, callback: (socket: unknown) => void) => {
    listen(host, port, callback);
    return app;
  };
  app.listen = listenOnHost as typeof app.listen;
}

async function createWsTransport(security: TransportSecurity): Promise<Transport> {
  const { WebSocketTransport } = await import("@colyseus/ws-transport");
  const server = security.tls ? createHttpsServer({ cert: security.tls.cert, key: security.tls.key }) : createHttpServer();
  if (security.gate) installNodeGate(server, security.gate);
  return new WebSocketTransport({
    maxPayload: security.maxMessageBytes,
    server,
    ...(security.beforeUpgrade ? { beforeUpgrade: security.beforeUpgrade } : {}),
  });
}
