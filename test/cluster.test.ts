import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { RedisProfileStore } from "../src/cache/redis-profile-store.ts";
import { openPostgres, type Database } from "../src/db/database.ts";
import { CloseCodes } from "../src/rooms/error-codes.ts";
import { createRedisKeys } from "../src/redis/keys.ts";
import { arenaView, nextMessage, sendInputs } from "./support/arena-view.ts";
import { createTestEnvironment, freePort, type TestEnvironment } from "./support/environment.ts";
import { startNodeProcess, type NodeProcess } from "./support/node-process.ts";
import { leaveAll } from "./support/rooms.ts";
import { waitFor } from "./support/wait.ts";

interface SeatReservation {
  name: string;
  roomId: string;
  processId: string;
  sessionId: string;
  publicAddress?: string;
}

/** Three game nodes and one worker as separate processes, as `npm run cluster` runs them. */
describe("cluster of three game nodes and a worker", () => {
  let env: TestEnvironment;
  let db: Database;
  const nodes: NodeProcess[] = [];
  const ports: number[] = [];
  let worker: NodeProcess;
  const rooms: Room[] = [];

  function nodeEnv(port: number): Record<string, string> {
    const { config } = env;
    return {
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      STORAGE_MODE: "external",
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      DATABASE_URL: config.DATABASE_URL,
      JWT_SECRET: config.JWT_SECRET!,
      RUN_WORKER: "false",
      ROUND_SECONDS: "4",
      RESULTS_SECONDS: "1",
      RECONNECT_SECONDS: "3",
      PROFILE_FLUSH_DELAY_MS: "200",
      PROFILE_SWEEP_INTERVAL_MS: "1000",
      PROFILE_SWEEP_AGE_MS: "1000",
      LOG_LEVEL: "info",
    };
  }

  async function startGameNode(port: number): Promise<NodeProcess> {
    const node = startNodeProcess(`game-${port}`, "src/server/main.ts", nodeEnv(port));
    await node.waitForLog("game server listening");
    return node;
  }

  async function createGuest(port: number, name: string): Promise<{ playerId: string; token: string }> {
    const response = await fetch(`http://127.0.0.1:${port}/api/guest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    return (await response.json()) as { playerId: string; token: string };
  }

  /** Asks node `port` for a seat with `method` and joins it with the SDK, wherever the room is. */
  async function joinThrough(port: number, method: "create" | "joinOrCreate", token: string): Promise<{ room: Room; reservation: SeatReservation }> {
    const response = await fetch(`http://127.0.0.1:${port}/matchmake/${method}/arena`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    const reservation = (await response.json()) as SeatReservation;
    if (!reservation.roomId) throw new Error(`matchmaking through ${port} failed: ${JSON.stringify(reservation)}`);
    const room = await new Client(`http://127.0.0.1:${port}`).consumeSeatReservation(reservation as never);
    rooms.push(room);
    room.onMessage("*", () => undefined);
    return { room, reservation };
  }

  /** Creates rooms through node `via` until one lands on node `target`, as placement picks the emptiest node. */
  async function createOn(target: number, via: number, token: string): Promise<{ room: Room; reservation: SeatReservation }> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const candidate = await joinThrough(via, "create", token);
      if (candidate.reservation.publicAddress === `127.0.0.1:${target}`) return candidate;
    }
    throw new Error(`no room landed on node ${target} after 8 creations`);
  }

  beforeAll(async () => {
    env = await createTestEnvironment({ STORAGE_MODE: "external" });
    for (let index = 0; index < 3; index += 1) ports.push(await freePort());
    // The first node creates the database and applies migrations before the others start.
    nodes.push(await startGameNode(ports[0]!));
    nodes.push(...(await Promise.all(ports.slice(1).map((port) => startGameNode(port)))));
    worker = startNodeProcess("worker", "src/jobs/worker-main.ts", { ...nodeEnv(ports[0]!), WORKER_PORT: String(await freePort()) });
    await worker.waitForLog("worker started");
    db = openPostgres(env.config.DATABASE_URL, env.log);
  }, 120_000);

  afterAll(async () => {
    if (process.env.CLUSTER_TEST_LOGS) {
      for (const node of [...nodes, worker]) {
        for (const line of node?.logs ?? []) console.log(node!.name, JSON.stringify(line).slice(0, 300));
      }
    }
    await leaveAll(rooms);
    await Promise.all([...nodes, worker].filter(Boolean).map((node) => node.stop("SIGTERM")));
    await db?.close();
    await env?.cleanup();
  }, 60_000);

  it("spreads rooms created through one node over all nodes", async () => {
    const processIds = new Set<string>();
    for (let index = 0; index < 3; index += 1) {
      const guest = await createGuest(ports[0]!, `Spread${index}`);
      const { reservation } = await joinThrough(ports[0]!, "create", guest.token);
      processIds.add(reservation.processId);
    }
    expect(processIds.size).toBe(3);
  });

  it("lets a client of node A play in a room on node B", async () => {
    const guest = await createGuest(ports[0]!, "Traveller");
    const joined = await createOn(ports[1]!, ports[0]!, guest.token);
    const lastSeq = await sendInputs(joined.room, 1, 5, 1, 0);
    await waitFor("inputs applied on the remote node", () => (arenaView(joined.room).players.get(joined.room.sessionId)?.lastSeq === lastSeq ? true : undefined));
  });

  it("delivers global chat to clients on all three nodes", async () => {
    const listeners: Room[] = [];
    for (let index = 0; index < 3; index += 1) {
      const guest = await createGuest(ports[0]!, `Listener${index}`);
      listeners.push((await createOn(ports[index]!, ports[0]!, guest.token)).room);
    }

    const arrivals = listeners.map((room) => nextMessage<{ text: string; channel: string }>(room, "chat"));
    listeners[0]!.send("chat", { text: "hello cluster", channel: "global" });
    for (const arrival of arrivals) expect(await arrival).toMatchObject({ text: "hello cluster", channel: "global" });
  });

  it("closes the first session and fences its late write", async () => {
    const guest = await createGuest(ports[0]!, "Twin");
    const first = await joinThrough(ports[0]!, "create", guest.token);
    const firstClosed = new Promise<number>((resolve) => first.room.onLeave((code) => resolve(code)));
    await joinThrough(ports[2]!, "create", guest.token);

    expect(await firstClosed).toBe(CloseCodes.SESSION_REPLACED);
    const redis = new Redis(env.config.REDIS_URL);
    try {
      const store = new RedisProfileStore({
        redis,
        keys: createRedisKeys(env.config.REDIS_PREFIX),
        db,
        log: env.log,
        cacheTtlSeconds: 60, roundMarkerTtlSeconds: 86_400,
        onDirty: () => undefined,
      });
      const late = await store.recordRoundScore(guest.playerId, { roundId: "00000000-0000-4000-8000-000000000001", score: 99, final: false, epoch: 1 });
      expect(late.status).toBe("fenced");
    } finally {
      redis.disconnect();
    }
  });

  it("moves players of a killed node to another node within 10 s", async () => {
    const victimPort = ports[1]!;
    const guest = await createGuest(ports[0]!, "Survivor");
    const placed = await createOn(victimPort, ports[0]!, guest.token);
    const finished = await nextMessage<{ round: number }>(placed.room, "results", 15_000);

    // The browser client rejoins through another node when its room is gone; this does the same.
    const dropped = new Promise<void>((resolve) => {
      placed.room.onDrop(() => resolve());
      placed.room.onLeave(() => resolve());
    });
    const killedAt = Date.now();
    nodes[1]!.child.kill("SIGKILL");
    await dropped;
    const rejoined = await waitFor("a seat on a surviving node", async () => {
      try {
        return await joinThrough(ports[0]!, "joinOrCreate", guest.token);
      } catch {
        return undefined;
      }
    }, 10_000, 250);
    await waitFor("playing on the surviving node", () => (arenaView(rejoined.room).players?.get(rejoined.room.sessionId) ? true : undefined));
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(rejoined.reservation.publicAddress).not.toBe(`127.0.0.1:${victimPort}`);

    const rows = await waitFor("the completed round's scores", async () => {
      const result = await db.query("SELECT DISTINCT round_id FROM scores WHERE room_id = $1", [placed.reservation.roomId]);
      return (result.rowCount ?? 0) >= finished.round ? result.rowCount : undefined;
    }, 15_000);
    expect(rows).toBeGreaterThanOrEqual(finished.round);
  });

  it("loses no score when a node stops gracefully", async () => {
    const stopPort = ports[2]!;
    const guest = await createGuest(ports[0]!, "Graceful");
    const { room, reservation } = await createOn(stopPort, ports[0]!, guest.token);
    await waitFor("own player in state", () => (arenaView(room).players?.get(room.sessionId) ? true : undefined));
    const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));

    await nodes[2]!.stop("SIGTERM");
    expect(await closed).toBe(CloseCodes.SERVER_RESTARTING);
    const row = await waitFor("the interrupted round's score", async () => {
      const result = await db.query<{ score: number }>("SELECT score FROM scores WHERE room_id = $1 AND player_id = $2", [reservation.roomId, guest.playerId]);
      return result.rows[0];
    }, 15_000);
    expect(row.score).toBeGreaterThanOrEqual(0);
  });
});
