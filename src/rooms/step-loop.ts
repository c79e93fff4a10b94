/**
 * A fixed-rate simulation loop whose state patch leaves right after each step.
 *
 * Colyseus's `setFixedTimestep` steps on one 50 ms timer and `patchRate` sends patches on
 * another. The two are not in phase, so an input waits up to one period for the step and up
 * to one more for the patch. The benchmark measured an input round trip p99 near 100 ms at
 * any load with them (docs/benchmarks.md). Here a short timer checks the elapsed time and runs
 * the step once a full step period has passed, and the caller sends the patch at once.
 *
 * Elapsed time comes from `performance.now()`. Colyseus also advances the room clock's
 * `deltaTime` itself, so summing it in the callback loses time and steps come too rarely.
 */
export interface StepLoopOptions {
  /** Simulated time per step, in ms. */
  stepMs: number;
  /** Period of the timer that checks for a due step, in ms. A step runs at most this late. */
  timerMs: number;
  /** Callback that runs one step of `stepMs`. The loop calls it at most once per timer callback. */
  onStep: () => void;
}

/** Function that starts the periodic timer. The room passes `setTimestep`, so its clock keeps ticking. */
export type TimerStarter = (callback: () => void, periodMs: number) => void;

/**
 * Starts the loop. After a stall it keeps at most one step of backlog, so steps never run in
 * a burst. Movement is bound to inputs (one per step), so a burst would only empty every
 * player's input queue at once.
 */
export function startStepLoop(startTimer: TimerStarter, options: StepLoopOptions, now: () => number = () => performance.now()): void {
  const { stepMs, timerMs, onStep } = options;
  let last = now();
  let backlogMs = 0;
  startTimer(() => {
    const current = now();
    backlogMs += current - last;
    last = current;
    if (backlogMs < stepMs) return;
    backlogMs = Math.min(backlogMs - stepMs, stepMs);
    onStep();
  }, timerMs);
}

/** The parts of a Colyseus room that `startPatchedSteps` drives. */
export interface SteppedRoom {
  patchRate: number | null;
  setTimestep(callback: () => void, delay?: number): void;
  broadcastPatch(): boolean;
}

/**
 * Runs `step` at `tickRate` steps a second with the step loop above and sends the room's
 * patch right after each step, in place of Colyseus's own patch timer.
 */
export function startPatchedSteps(room: SteppedRoom, tickRate: number, timerMs: number, step: (dtSeconds: number) => void): void {
  room.patchRate = null;
  startStepLoop((callback, periodMs) => room.setTimestep(callback, periodMs), {
    stepMs: 1000 / tickRate,
    timerMs,
    onStep: () => {
      step(1 / tickRate);
      room.broadcastPatch();
    },
  });
}
