import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { HttpGate } from "./http-gate.ts";

type NodeServer = HttpServer | HttpsServer;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * Puts the gate in front of every request listener of a Node HTTP(S) server. Colyseus's ws
 * transport prepends its own listener, which handles matchmaking, when it starts listening.
 * Every listener of an event runs, so another listener cannot hold a request back. The
 * server's `emit` is wrapped instead, which keeps a rejected request from every listener.
 */
export function installNodeGate(server: NodeServer, gate: HttpGate): void {
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  const guardedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === "request") {
      const [request, response] = args as [IncomingMessage, ServerResponse];
      const rejection = gate.check({
        method: request.method ?? "GET",
        url: request.url ?? "/",
        origin: header(request, "origin"),
        forwardedFor: header(request, "x-forwarded-for"),
        remoteAddress: request.socket.remoteAddress ?? "",
      });
      if (rejection !== undefined) {
        response.writeHead(rejection.status, rejection.headers);
        response.end(rejection.body);
        return true;
      }
    }
    return emit(event, ...args);
  };
  server.emit = guardedEmit as typeof server.emit;
}
