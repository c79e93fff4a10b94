/**
 * Client-side prediction and server reconciliation for the own player. Every input is applied
 * locally with the same `stepPosition` the server runs. When a patch arrives, the prediction
 * restarts from the server position and replays the inputs the server has not applied yet.
 */
import { TICK_RATE } from "../../src/rooms/rules/constants.ts";
import { stepPosition, type MoveDirection, type Position } from "../../src/rooms/rules/movement.ts";

export interface SentInput extends MoveDirection {
  seq: number;
}

export interface ServerSnapshot extends Position {
  lastSeq: number;
}

/** The server applies one input per tick with this fixed step, in seconds. */
const STEP_SECONDS = 1 / TICK_RATE;
const STEP_MS = 1000 / TICK_RATE;
/** Inputs kept for replay. Older ones are dropped if the server stops acknowledging them. */
const MAX_PENDING_INPUTS = 200;
/** A correction larger than this (field units) is a teleport, such as a round respawn, and snaps. */
const SNAP_DISTANCE = 120;
/** Time constant (ms) with which a small correction fades out of the drawn position. */
const CORRECTION_FADE_MS = 90;

export class LocalPrediction {
  private readonly pending: SentInput[] = [];
  private readonly current: Position = { x: 0, y: 0 };
  private readonly previous: Position = { x: 0, y: 0 };
  /** Drawn-only offset that hides small corrections while it decays to zero. */
  private readonly correction: Position = { x: 0, y: 0 };
  private lastStepAt = 0;
  private lastCorrectionDistance = 0;
  private lastRenderAt = 0;
  private initialised = false;

  get position(): Readonly<Position> {
    return this.current;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Distance (field units) between the prediction and the replayed server state at the last patch. */
  get lastCorrection(): number {
    return this.lastCorrectionDistance;
  }

  /** Forgets all inputs and starts again from `position`, for example after joining a new room. */
  reset(position: Position): void {
    this.pending.length = 0;
    this.setAll(position);
    this.initialised = true;
  }

  /** Applies one input locally, right after it was sent. */
  applyInput(input: SentInput, now: number): void {
    if (!this.initialised) {
      return;
    }
    // The next drawn segment starts where the player is drawn now, not at the last step: input
    // timers fire a few ms early or late, and starting from the step would make the player jump
    // ahead whenever a step came before the previous segment was finished.
    const drawn = this.interpolated(now);
    this.previous.x = drawn.x;
    this.previous.y = drawn.y;
    stepPosition(this.current, input, STEP_SECONDS);
    this.pending.push({ seq: input.seq, dx: input.dx, dy: input.dy });
    if (this.pending.length > MAX_PENDING_INPUTS) {
      this.pending.shift();
    }
    this.lastStepAt = now;
  }

  /** Rebuilds the prediction from an authoritative snapshot of the own player. */
  reconcile(server: ServerSnapshot): void {
    if (!this.initialised) {
      this.reset(server);
      return;
    }
    const firstUnapplied = this.pending.findIndex((input) => input.seq > server.lastSeq);
    this.pending.splice(0, firstUnapplied === -1 ? this.pending.length : firstUnapplied);
    const replayed: Position = { x: server.x, y: server.y };
    for (const input of this.pending) {
      stepPosition(replayed, input, STEP_SECONDS);
    }
    this.moveTo(replayed);
  }

  /**
   * Position to draw at `now`: on the way from where the last step started drawing to the newest
   * predicted step, so movement looks smooth at display rates above the 20 Hz input rate, plus
   * the fading correction offset.
   */
  renderPosition(now: number): Position {
    this.fadeCorrection(now);
    const base = this.interpolated(now);
    return { x: base.x + this.correction.x, y: base.y + this.correction.y };
  }

  /** The point between the last two predicted steps at `now`, without the correction offset. */
  private interpolated(now: number): Position {
    const alpha = Math.min(1, Math.max(0, (now - this.lastStepAt) / STEP_MS));
    return {
      x: this.previous.x + (this.current.x - this.previous.x) * alpha,
      y: this.previous.y + (this.current.y - this.previous.y) * alpha,
    };
  }

  private moveTo(target: Position): void {
    const dx = target.x - this.current.x;
    const dy = target.y - this.current.y;
    this.lastCorrectionDistance = Math.hypot(dx, dy);
    if (this.lastCorrectionDistance > SNAP_DISTANCE) {
      this.setAll(target);
      return;
    }
    // Shift both interpolation ends so the drawn position does not jump, and let the offset fade.
    this.current.x = target.x;
    this.current.y = target.y;
    this.previous.x += dx;
    this.previous.y += dy;
    this.correction.x -= dx;
    this.correction.y -= dy;
  }

  private setAll(position: Position): void {
    this.current.x = position.x;
    this.current.y = position.y;
    this.previous.x = position.x;
    this.previous.y = position.y;
    this.correction.x = 0;
    this.correction.y = 0;
  }

  private fadeCorrection(now: number): void {
    const elapsed = this.lastRenderAt === 0 ? 0 : Math.max(0, now - this.lastRenderAt);
    this.lastRenderAt = now;
    const keep = Math.exp(-elapsed / CORRECTION_FADE_MS);
    this.correction.x *= keep;
    this.correction.y *= keep;
  }
}
