import WebSocket from "ws";

/** A seat reservation as `POST /matchmake/:method/:room` returns it. */
export interface SeatReservation {
  roomId: string;
  sessionId: string;
  processId: string;
  name: string;
}

/** A refused matchmaking request: the HTTP status, headers and parsed body. */
export class MatchmakeRefused extends Error {
  override name = "MatchmakeRefused";
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: unknown,
  ) {
    super(`matchmaking answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** Asks for a seat over plain HTTP, as the SDK does, with optional extra headers. */
export async function reserveSeat(
  baseUrl: string,
  method: "joinOrCreate" | "create" | "joinById",
  target: string,
  options: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<SeatReservation> {
  const response = await fetch(`${baseUrl}/matchmake/${method}/${target}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(options),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: a refusal need not be JSON.
  }
  if (!response.ok) throw new MatchmakeRefused(response.status, response.headers, body);
  return body as SeatReservation;
}

const JOIN_ROOM = 10;

/**
 * A Colyseus client reduced to the wire: it completes the join handshake and then sends
 * whatever bytes a test gives it. For attacks the SDK would refuse to encode.
 */
export class RawClient {
  readonly closed: Promise<number>;
  #closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.once("close", (code) => {
        this.#closeCode = code;
        resolve(code);
      });
    });
  }

  /** Close code once the connection closed, otherwise undefined. */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Connects with a reservation and waits until the room counts the client as joined. */
  static async join(wsBaseUrl: string, seat: SeatReservation, options: WebSocket.ClientOptions = {}, timeoutMs = 5000): Promise<RawClient> {
    const url = `${wsBaseUrl}/${seat.processId}/${seat.roomId}?sessionId=${encodeURIComponent(seat.sessionId)}`;
    const socket = new WebSocket(url, options);
    const client = new RawClient(socket);
    socket.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no JOIN_ROOM from ${url} within ${timeoutMs} ms`)), timeoutMs);
      socket.on("unexpected-response", (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`upgrade refused with HTTP ${response.statusCode}`));
      });
      socket.once("close", (code) => {
        clearTimeout(timer);
        reject(new Error(`closed with ${code} before joining`));
      });
      socket.once("message", (data: Buffer) => {
        clearTimeout(timer);
        if (data[0] !== JOIN_ROOM) return reject(new Error(`first frame had code ${data[0]}, expected JOIN_ROOM`));
        // Acknowledging JOIN_ROOM moves the session to JOINED, as the SDK does.
        socket.send(Uint8Array.of(JOIN_ROOM));
        resolve();
      });
    });
    return client;
  }

  /** Sends one binary frame; does nothing once the connection is closed. */
  send(bytes: Uint8Array): void {
    if (this.open) this.socket.send(bytes);
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}

/** Returns the ws:// (or wss://) base URL of an http(s):// base URL. */
export function webSocketBase(baseUrl: string): string {
  return baseUrl.replace(/^http/, "ws");
}
