/**
 * Child process of the TLS test: plays one round against an HTTPS/WSS server through the SDK
 * and prints a JSON report. It trusts the test's self-signed certificate through
 * NODE_EXTRA_CA_CERTS, which Node reads only at start, hence a process of its own.
 *
 * Argument: the server's https:// base URL. Exits 0 after the round's results arrived.
 */
import { Client, type Room } from "@colyseus/sdk";

const baseUrl = process.argv[2];
const TIMEOUT_MS = 20_000;

interface PlayerView {
  lastSeq: number;
}

async function play(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/api/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"Secure"}' });
  if (response.status !== 201) throw new Error(`guest creation answered ${response.status}`);
  const { token } = (await response.json()) as { token: string };

  const room: Room = await new Client(url).joinOrCreate("arena", { token });
  room.onMessage("welcome", () => undefined);
  const results = new Promise<{ round: number }>((resolve) => room.onMessage("results", (message: { round: number }) => resolve(message)));

  const input = room.input<{ seq: number; dx: number; dy: number }>();
  let seq = 0;
  const pacer = setInterval(() => {
    seq += 1;
    input.data.seq = seq;
    input.data.dx = 1;
    input.data.dy = 0;
    input.send();
  }, 50);
  try {
    const { round } = await results;
    const players = (room.state as unknown as { players: Map<string, PlayerView> }).players;
    const lastSeq = players.get(room.sessionId)?.lastSeq ?? 0;
    return { ok: true, round, lastSeq, sent: seq };
  } finally {
    clearInterval(pacer);
    await room.leave();
  }
}

if (!baseUrl?.startsWith("https://")) {
  console.error("usage: wss-player.ts https://host:port");
  process.exit(2);
}
const timer = setTimeout(() => {
  console.error(`no round results within ${TIMEOUT_MS} ms`);
  process.exit(1);
}, TIMEOUT_MS);
play(baseUrl).then(
  (report) => {
    clearTimeout(timer);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`wss-player failed: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? "")}`);
    process.exit(1);
  },
);
