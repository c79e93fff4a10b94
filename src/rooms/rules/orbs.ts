import {
  FIELD_SIZE,
  ORB_RADIUS,
  PLAYER_RADIUS,
  RARE_ORB_CHANCE,
  RARE_ORB_VALUE,
} from "./constants.ts";
import type { Position } from "./movement.ts";

/** An orb as the rules see it. */
export interface Orb extends Position {
  value: number;
}

/** Margin kept between orbs and the field edge, so every orb is reachable. */
const SPAWN_MARGIN = PLAYER_RADIUS + ORB_RADIUS;

/** Returns a new orb at a random position; `random` returns values in [0, 1). */
export function spawnOrb(random: () => number): Orb {
  const span = FIELD_SIZE - 2 * SPAWN_MARGIN;
  return {
    x: SPAWN_MARGIN + random() * span,
    y: SPAWN_MARGIN + random() * span,
    value: random() < RARE_ORB_CHANCE ? RARE_ORB_VALUE : 1,
  };
}

/** True when a player at `player` touches the orb. */
export function touchesOrb(player: Position, orb: Position): boolean {
  const reach = PLAYER_RADIUS + ORB_RADIUS;
  const dx = player.x - orb.x;
  const dy = player.y - orb.y;
  return dx * dx + dy * dy <= reach * reach;
}
