import { matchMaker } from "@colyseus/core";

/**
 * Chooses the game node for a new room. Colyseus's default picks the node with the fewest
 * rooms, but node statistics are written at most once a second, so a burst of creations
 * within that second would all land on the same node. This takes the nodes whose room count
 * is within one of the least loaded and rotates through them, so a burst spreads evenly.
 */
export function createRoomPlacement(): () => Promise<string> {
  let next = 0;
  return async () => {
    const nodes = await matchMaker.stats.fetchAll();
    if (nodes.length === 0) return matchMaker.processId;

    const fewest = Math.min(...nodes.map((node) => node.roomCount));
    const candidates = nodes
      .filter((node) => node.roomCount <= fewest + 1)
      .map((node) => node.processId)
      .sort();
    const chosen = candidates[next % candidates.length]!;
    next += 1;
    return chosen;
  };
}
