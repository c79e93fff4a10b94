import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type Room } from "@colyseus/sdk";
import { arenaView, sendInputs } from "./support/arena-view.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { RawClient, reserveSeat, webSocketBase } from "./support/raw-client.ts";
import { leaveAll } from "./support/rooms.ts";
import { guestToken as guestTokenFor, startChildNode } from "./support/child-node.ts";
import type { ServerChild } from "./support/server-child.ts";
import { waitFor } from "./support/wait.ts";

/**
 * An unreliable input packet whose length field is -2: after reading it, the decoder's offset
 * moves back to the same length field, so @colyseus/schema's `decodeAll` would loop for ever.
 * Bytes: protocol code 20, base seq 0, length as msgpack int8 -2.
 */
const LOOPING_PACKET = Uint8Array.of(20, 0x00, 0xd0, 0xfe);

describe("unreliable input frames", () => {
  let env: TestEnvironment;
  let server: ServerChild;
  let baseUrl: string;
  const rooms: Room[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    ({ server, baseUrl } = await startChildNode(env));
  });

  afterAll(async () => {
    await leaveAll(rooms);
    await server?.stop();
    await env?.cleanup();
  });

  const guestToken = (name: string) => guestTokenFor(baseUrl, name);

  it("leaves the room playing", { timeout: 30_000 }, async () => {
    const player = await new Client(baseUrl).create("arena", { token: await guestToken("Player") });
    rooms.push(player);
    player.onMessage("*", () => undefined);
    const attacker = await RawClient.join(webSocketBase(baseUrl), await reserveSeat(baseUrl, "joinById", player.roomId, { token: await guestToken("Attacker") }));

    attacker.send(LOOPING_PACKET);
    const lastSeq = await sendInputs(player, 1, 5, 1, 0);

    await waitFor("the player's inputs applied", () => (arenaView(player).players?.get(player.sessionId)?.lastSeq === lastSeq ? true : undefined), 5000);
    expect(server.running).toBe(true);
    attacker.close();
  });
});
