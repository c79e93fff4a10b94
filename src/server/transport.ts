import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Transport } from "@colyseus/core";
import type { Logger } from "../logger.ts";

export type TransportChoice = "auto" | "uws" | "ws";

/** Maximum WebSocket frame accepted from a client, in bytes. */
const MAX_PAYLOAD_BYTES = 4096;

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
 */
export async function createTransport(choice: TransportChoice, log: Logger): Promise<{ transport: Transport; name: "uws" | "ws" }> {
  if (choice !== "ws") {
    const probe = probeNativeUws();
    if (probe.ok) {
      const { uWebSocketsTransport } = await import("@colyseus/uwebsockets-transport");
      return { transport: new uWebSocketsTransport({ maxPayloadLength: MAX_PAYLOAD_BYTES }), name: "uws" };
    }
    if (choice === "uws") {
      throw new Error(`TRANSPORT=uws but the uWebSockets.js native binary did not load (${probe.reason}); unset TRANSPORT to fall back to ws`);
    }
    log.warn({ reason: probe.reason }, "uWebSockets.js native binary not available; using the ws transport");
  }
  const { WebSocketTransport } = await import("@colyseus/ws-transport");
  return { transport: new WebSocketTransport({ maxPayload: MAX_PAYLOAD_BYTES }), name: "ws" };
}
