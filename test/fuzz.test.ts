import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type Room } from "@colyseus/sdk";
import { arenaView } from "./support/arena-view.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { FuzzFrames, seededRandom } from "./support/fuzz-frames.ts";
import { RawClient, reserveSeat, webSocketBase } from "./support/raw-client.ts";
import { leaveAll } from "./support/rooms.ts";
import { guestToken as guestTokenFor, startChildNode } from "./support/child-node.ts";
import type { ServerChild } from "./support/server-child.ts";
import { waitFor } from "./support/wait.ts";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const DURATION_MS = Number(process.env.FUZZ_MS ?? 10_000);
const ATTACKERS = 3;
/** Frames per second per attacker: under the room's flood budget most of the time, over it in bursts. */
const FRAME_INTERVAL_MS = 25;
/** A player's lastSeq must advance within every window this long. */
const PROGRESS_WINDOW_MS = 2000;

interface Tally {
  frames: number;
  connections: number;
  closeCodes: Record<number, number>;
}

/** Sends one input per 50 ms, as the browser does; returns a function that stops it. */
function keepPlaying(room: Room): () => void {
  const input = room.input<{ seq: number; dx: number; dy: number }>();
  let seq = 0;
  const timer = setInterval(() => {
    seq += 1;
    input.data.seq = seq;
    input.data.dx = Math.cos(seq / 10);
    input.data.dy = Math.sin(seq / 10);
    input.send();
  }, 50);
  return () => clearInterval(timer);
}

/**
 * Joins over a raw socket, sends hostile frames, and joins again whenever the server closes
 * the connection. Each connection is a new guest, because a rejoining player would wait for
 * its previous session to be handed over and leave little time for frames.
 */
async function attack(baseUrl: string, roomId: string, newToken: () => Promise<string>, frames: FuzzFrames, deadline: number, tally: Tally): Promise<void> {
  while (Date.now() < deadline) {
    let raw: RawClient;
    try {
      raw = await RawClient.join(webSocketBase(baseUrl), await reserveSeat(baseUrl, "joinById", roomId, { token: await newToken() }));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    tally.connections += 1;
    while (raw.open && Date.now() < deadline) {
      raw.send(frames.next());
      tally.frames += 1;
      await new Promise((resolve) => setTimeout(resolve, FRAME_INTERVAL_MS));
    }
    raw.close();
    const code = await raw.closed;
    tally.closeCodes[code] = (tally.closeCodes[code] ?? 0) + 1;
  }
}

describe("fuzzing a room over real sockets", () => {
  let env: TestEnvironment;
  let server: ServerChild;
  let baseUrl: string;
  const rooms: Room[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    ({ server, baseUrl } = await startChildNode(env, { ROUND_SECONDS: "600", RECONNECT_SECONDS: "1", SHUTDOWN_TIMEOUT_MS: "3000" }));
  });

  afterAll(async () => {
    await leaveAll(rooms);
    await server?.stop();
    await env?.cleanup();
  });

  const guestToken = (name: string) => guestTokenFor(baseUrl, name);

  it("random frames while two players play", { timeout: DURATION_MS + 60_000 }, async () => {
    console.log(`fuzz seed ${SEED}: rerun with FUZZ_SEED=${SEED} to send the same frames`);
    const client = new Client(baseUrl);
    const first = await client.create("arena", { token: await guestToken("Steady 1") });
    const second = await client.joinById(first.roomId, { token: await guestToken("Steady 2") });
    rooms.push(first, second);
    const players = [first, second];
    let left = 0;
    for (const room of players) {
      room.onMessage("*", () => undefined);
      room.onLeave(() => (left += 1));
    }
    await waitFor("both players seated", () => (arenaView(second).players?.size === 2 ? true : undefined));
    const stops = players.map(keepPlaying);

    const deadline = Date.now() + DURATION_MS;
    const tally: Tally = { frames: 0, connections: 0, closeCodes: {} };
    const attacks = Array.from({ length: ATTACKERS }, (_, index) =>
      attack(baseUrl, first.roomId, () => guestToken(`Fuzzer ${index}`), new FuzzFrames(seededRandom(SEED + index)), deadline, tally),
    );

    const stalls: string[] = [];
    let previous = players.map((room) => arenaView(room).players?.get(room.sessionId)?.lastSeq ?? 0);
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, PROGRESS_WINDOW_MS));
      const current = players.map((room) => arenaView(room).players?.get(room.sessionId)?.lastSeq ?? 0);
      current.forEach((seq, index) => {
        if (seq <= (previous[index] ?? 0)) stalls.push(`player ${index + 1} stuck at lastSeq ${seq}`);
      });
      previous = current;
    }
    await Promise.all(attacks);
    stops.forEach((stop) => stop());
    console.log(`fuzz seed ${SEED}: ${tally.frames} frames over ${tally.connections} connections; close codes ${JSON.stringify(tally.closeCodes)}`);

    expect(server.running, `server exited; output:\n${server.output.slice(-4000)}`).toBe(true);
    expect(stalls).toEqual([]);
    expect(left).toBe(0);
    expect(tally.frames).toBeGreaterThan(ATTACKERS * 100);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });
});
