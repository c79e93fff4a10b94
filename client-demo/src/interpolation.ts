/**
 * Entity interpolation for the other players: positions from server patches are buffered with
 * their arrival time and drawn INTERPOLATION_DELAY_MS in the past, between the two snapshots
 * around that instant, so 20 Hz patches look like continuous motion.
 */
import { TICK_RATE } from "../../src/rooms/rules/constants.ts";
import type { Position } from "../../src/rooms/rules/movement.ts";

interface Snapshot extends Position {
  time: number;
}

/** Two patch intervals: one bracketing pair plus headroom for a late patch. */
const INTERPOLATION_DELAY_MS = 100;
const PATCH_INTERVAL_MS = 1000 / TICK_RATE;
/** A jump larger than this between snapshots is a respawn and is not drawn as motion. */
const TELEPORT_DISTANCE = 120;
const MAX_SNAPSHOTS = 30;

class SnapshotBuffer {
  private readonly snapshots: Snapshot[] = [];

  push(time: number, x: number, y: number): void {
    const last = this.snapshots.at(-1);
    if (last !== undefined && Math.hypot(x - last.x, y - last.y) > TELEPORT_DISTANCE) {
      this.snapshots.length = 0;
    } else if (last !== undefined && time - last.time > 2 * PATCH_INTERVAL_MS) {
      // The player stood still and patches skipped them. Without this anchor the next move would
      // be stretched across the whole idle gap and lag behind.
      this.snapshots.push({ time: time - PATCH_INTERVAL_MS, x: last.x, y: last.y });
    }
    this.snapshots.push({ time, x, y });
    if (this.snapshots.length > MAX_SNAPSHOTS) {
      this.snapshots.splice(0, this.snapshots.length - MAX_SNAPSHOTS);
    }
  }

  /** Returns the position at `renderTime`, or the newest snapshot when the buffer runs dry, because extrapolating would overshoot turns. */
  sample(renderTime: number): Position | null {
    const newest = this.snapshots.at(-1);
    if (newest === undefined) {
      return null;
    }
    for (let index = this.snapshots.length - 1; index > 0; index -= 1) {
      const later = this.snapshots[index];
      const earlier = this.snapshots[index - 1];
      if (later !== undefined && earlier !== undefined && earlier.time <= renderTime && renderTime <= later.time) {
        return lerpSnapshots(earlier, later, renderTime);
      }
    }
    const oldest = this.snapshots[0] ?? newest;
    return renderTime < oldest.time ? { x: oldest.x, y: oldest.y } : { x: newest.x, y: newest.y };
  }
}

function lerpSnapshots(earlier: Snapshot, later: Snapshot, time: number): Position {
  const span = later.time - earlier.time;
  const alpha = span <= 0 ? 1 : (time - earlier.time) / span;
  return {
    x: earlier.x + (later.x - earlier.x) * alpha,
    y: earlier.y + (later.y - earlier.y) * alpha,
  };
}

/** Interpolation buffers of all remote players, keyed by session id. */
export class RemoteInterpolator {
  private readonly buffers = new Map<string, SnapshotBuffer>();

  record(sessionId: string, time: number, position: Position): void {
    let buffer = this.buffers.get(sessionId);
    if (buffer === undefined) {
      buffer = new SnapshotBuffer();
      this.buffers.set(sessionId, buffer);
    }
    buffer.push(time, position.x, position.y);
  }

  sample(sessionId: string, now: number): Position | null {
    return this.buffers.get(sessionId)?.sample(now - INTERPOLATION_DELAY_MS) ?? null;
  }

  /** Drops the buffers of players that left. */
  retain(sessionIds: ReadonlySet<string>): void {
    for (const sessionId of this.buffers.keys()) {
      if (!sessionIds.has(sessionId)) {
        this.buffers.delete(sessionId);
      }
    }
  }

  clear(): void {
    this.buffers.clear();
  }
}
