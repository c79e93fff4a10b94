/**
 * Matchmaking that survives a dead node: a request goes to the known nodes one after the
 * other until one responds. Any node can serve matchmaking for the whole cluster, because the
 * listings live in the shared Redis, and the SDK then connects to the room's own node.
 */
import type { Client } from "@colyseus/sdk";
import { GameError, toGameError } from "./errors.ts";
import type { GameNodes } from "./game-nodes.ts";

/**
 * Runs `request` with the client of each candidate node in turn and returns the first result.
 * Only an unreachable node moves on to the next one. A response such as "room full" is final
 * and rethrown as a GameError.
 */
export async function requestFromAnyNode<T>(nodes: GameNodes, request: (client: Client) => Promise<T>): Promise<T> {
  let lastError = new GameError("SERVER_UNREACHABLE", "no game server address is known");
  for (const baseUrl of nodes.candidates()) {
    try {
      const result = await request(nodes.client(baseUrl));
      nodes.markAnswered(baseUrl);
      return result;
    } catch (error) {
      const gameError = toGameError(error);
      if (gameError.code !== "SERVER_UNREACHABLE") {
        throw gameError;
      }
      nodes.markDown(baseUrl);
      lastError = gameError;
    }
  }
  throw lastError;
}
