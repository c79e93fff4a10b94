import { FIELD_SIZE, PLAYER_RADIUS, PLAYER_SPEED } from "./constants.ts";

/** A position on the field; the room's player state and the client's prediction both satisfy it. */
export interface Position {
  x: number;
  y: number;
}

/** One movement input: a direction whose components are each in -1..1. */
export interface MoveDirection {
  dx: number;
  dy: number;
}

/**
 * Clamps a raw direction to a vector of length at most 1, so diagonal input is not faster and
 * a client cannot exceed PLAYER_SPEED by sending large components. NaN and infinities become 0.
 */
export function clampDirection(dx: number, dy: number): MoveDirection {
  const safeDx = Number.isFinite(dx) ? dx : 0;
  const safeDy = Number.isFinite(dy) ? dy : 0;
  const length = Math.hypot(safeDx, safeDy);
  if (length <= 1) {
    return { dx: safeDx, dy: safeDy };
  }
  return { dx: safeDx / length, dy: safeDy / length };
}

/** Keeps a coordinate inside the field, leaving room for the player's radius. */
export function clampToField(value: number): number {
  return Math.min(FIELD_SIZE - PLAYER_RADIUS, Math.max(PLAYER_RADIUS, value));
}

/**
 * Advances a position by one fixed step of `dt` seconds in the given direction, in place.
 * The client runs the same function to predict its own movement, so both sides agree.
 */
export function stepPosition(position: Position, input: MoveDirection, dt: number): void {
  const direction = clampDirection(input.dx, input.dy);
  position.x = clampToField(position.x + direction.dx * PLAYER_SPEED * dt);
  position.y = clampToField(position.y + direction.dy * PLAYER_SPEED * dt);
}
