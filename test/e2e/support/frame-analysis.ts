/**
 * Measures recorded frames for what a player would see as a jerk: a drawn position that moved
 * further between two frames than the player's top speed allows in the time between them.
 */
import { PLAYER_SPEED } from "../../../src/rooms/rules/constants.ts";
import type { TraceFrame } from "../../../client-demo/src/debug-api.ts";

type Point = { x: number; y: number };

export interface MotionReport {
  /** Frames in which the position was known in this and the previous frame. */
  pairs: number;
  /** Largest distance beyond the top speed between two frames, in field units. */
  largestJump: number;
  /** Share of frame pairs in which the position changed at all. */
  movingShare: number;
}

/**
 * Compares each frame with the one before. A teleport (respawn) would count as a jump; the
 * tests record stretches without one.
 */
export function measureMotion(frames: TraceFrame[], pick: (frame: TraceFrame) => Point | null | undefined): MotionReport {
  let pairs = 0;
  let moving = 0;
  let largestJump = 0;
  let previous: { time: number; point: Point } | null = null;
  for (const frame of frames) {
    const point = pick(frame) ?? null;
    if (point !== null && previous !== null) {
      const distance = Math.hypot(point.x - previous.point.x, point.y - previous.point.y);
      const allowed = (PLAYER_SPEED * (frame.time - previous.time)) / 1000;
      largestJump = Math.max(largestJump, distance - allowed);
      pairs += 1;
      if (distance > 0.01) {
        moving += 1;
      }
    }
    previous = point === null ? null : { time: frame.time, point };
  }
  return { pairs, largestJump, movingShare: pairs === 0 ? 0 : moving / pairs };
}

/** Largest prediction correction seen in the frames, in field units. */
export function largestCorrection(frames: TraceFrame[]): number {
  return frames.reduce((largest, frame) => Math.max(largest, frame.correction), 0);
}

/** Median time between frames in ms, to report the frame rate the measurement ran at. */
export function medianFrameInterval(frames: TraceFrame[]): number {
  const intervals = frames.slice(1).map((frame, index) => frame.time - (frames[index]?.time ?? frame.time));
  intervals.sort((a, b) => a - b);
  return intervals[Math.floor(intervals.length / 2)] ?? 0;
}
