/**
 * A proxy between the browser and the game server on 127.0.0.1 that forwards HTTP and the room
 * WebSockets frame by frame, so a test can make the network misbehave on cue: cut every
 * connection without a close frame, as a lost network does, or replay one of the page's own
 * frames many times, as a broken or hostile client would.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocket, WebSocketServer, type RawData } from "ws";

interface Tunnel {
  page: WebSocket;
  server: WebSocket;
  lastFromPage: { data: RawData; binary: boolean } | null;
}

/** Close codes a peer may not send itself, because they mean "no code" and "connection lost". */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);

export class FlakyNetwork {
  private readonly tunnels = new Set<Tunnel>();
  private readonly sockets = new Set<Socket>();
  private readonly webSockets = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly proxy: http.Server,
    private readonly targetPort: number,
  ) {}

  /** Starts a proxy to the server at `targetUrl` on a free port of 127.0.0.1. */
  static async start(targetUrl: string): Promise<FlakyNetwork> {
    const proxyServer = http.createServer();
    const network = new FlakyNetwork(proxyServer, Number(new URL(targetUrl).port));
    proxyServer.on("request", (request, response) => network.forwardRequest(request, response));
    proxyServer.on("upgrade", (request, socket, head) => network.forwardUpgrade(request, socket as Socket, head));
    proxyServer.on("connection", (socket) => network.track(socket));
    await new Promise<void>((resolve) => proxyServer.listen(0, "127.0.0.1", resolve));
    return network;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  /** Sends the page's last frame `count` more times to the server over the newest room socket. */
  flood(count: number): void {
    const tunnel = [...this.tunnels].at(-1);
    const frame = tunnel?.lastFromPage;
    if (tunnel === undefined || frame === null || frame === undefined) {
      throw new Error("no room socket has carried a frame from the page yet");
    }
    for (let index = 0; index < count; index += 1) {
      tunnel.server.send(frame.data, { binary: frame.binary });
    }
  }

  /** Destroys every open connection at the TCP level: both ends see an abnormal closure (1006). */
  dropConnections(): void {
    for (const tunnel of this.tunnels) {
      tunnel.page.terminate();
      tunnel.server.terminate();
    }
    this.tunnels.clear();
    for (const socket of this.sockets) {
      socket.destroy();
    }
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.webSockets.close();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
  }

  private forwardRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    const upstream = http.request(
      { host: "127.0.0.1", port: this.targetPort, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => {
      // The server is down, so reply as a gateway would and let the page see a failed request.
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  }

  private forwardUpgrade(request: http.IncomingMessage, socket: Socket, head: Buffer): void {
    this.webSockets.handleUpgrade(request, socket, head, (page) => {
      const server = new WebSocket(`ws://127.0.0.1:${this.targetPort}${request.url ?? "/"}`);
      const tunnel: Tunnel = { page, server, lastFromPage: null };
      this.tunnels.add(tunnel);
      this.pipe(tunnel);
    });
  }

  private pipe(tunnel: Tunnel): void {
    const { page, server } = tunnel;
    const early: { data: RawData; binary: boolean }[] = [];
    page.on("message", (data, binary) => {
      tunnel.lastFromPage = { data, binary };
      if (server.readyState === WebSocket.OPEN) server.send(data, { binary });
      else early.push({ data, binary });
    });
    server.on("open", () => {
      for (const frame of early.splice(0)) server.send(frame.data, { binary: frame.binary });
    });
    server.on("message", (data, binary) => page.send(data, { binary }));
    page.on("close", (code, reason) => this.closeOther(tunnel, server, code, reason));
    server.on("close", (code, reason) => this.closeOther(tunnel, page, code, reason));
    page.on("error", () => server.terminate());
    server.on("error", () => page.terminate());
  }

  /** Passes a close on with its code and reason, and a lost connection on as a lost connection. */
  private closeOther(tunnel: Tunnel, other: WebSocket, code: number, reason: Buffer): void {
    this.tunnels.delete(tunnel);
    if (other.readyState === WebSocket.CLOSED || other.readyState === WebSocket.CLOSING) return;
    if (RESERVED_CLOSE_CODES.has(code)) other.terminate();
    else other.close(code, reason);
  }
}
