/**
 * Records the positions drawn in each frame while a test asks for it, so a browser test can
 * measure how smooth the movement on screen is rather than how the network state changes.
 */
import type { FrameTraceApi, TraceFrame } from "./debug-api.ts";
import type { FrameView } from "./render.ts";

/** About a minute at 60 frames per second, so a forgotten recording stops growing there. */
const MAX_FRAMES = 4000;

export class FrameTrace implements FrameTraceApi {
  private frames: TraceFrame[] | null = null;

  start(): void {
    this.frames = [];
  }

  stop(): TraceFrame[] {
    const frames = this.frames ?? [];
    this.frames = null;
    return frames;
  }

  record(time: number, frame: FrameView, correction: number): void {
    if (this.frames === null || this.frames.length >= MAX_FRAMES) {
      return;
    }
    const others: TraceFrame["others"] = {};
    let self: TraceFrame["self"] = null;
    for (const player of frame.players) {
      if (player.isSelf) {
        self = { x: player.x, y: player.y };
      } else {
        others[player.key] = { x: player.x, y: player.y };
      }
    }
    this.frames.push({ time, self, others, correction });
  }
}
