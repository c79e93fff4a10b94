/**
 * What a page opened with `?debug` offers to automated browser tests on `window`. Types only,
 * so the tests can import them without loading the client.
 */
import type { DebugSnapshot } from "./game-session.ts";

/** Positions drawn in one animation frame. */
export interface TraceFrame {
  /** performance.now() of the frame, in ms. */
  time: number;
  /** The own player, or null before the first state. */
  self: { x: number; y: number } | null;
  /** Other players by session id. */
  others: Record<string, { x: number; y: number }>;
  /** Distance of the last prediction correction, in field units. */
  correction: number;
}

export interface FrameTraceApi {
  /** Starts recording every drawn frame, dropping an earlier recording. */
  start(): void;
  /** Stops recording and returns the frames. */
  stop(): TraceFrame[];
}

declare global {
  interface Window {
    orbitDebug?: () => DebugSnapshot | null;
    orbitTrace?: FrameTraceApi;
  }
}
