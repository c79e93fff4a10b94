import { describe, expect, it } from "vitest";
import { startStepLoop } from "../src/rooms/step-loop.ts";

/** Drives the loop by hand: `fire(at)` runs the timer callback with the clock at `at` ms. */
function manualLoop(stepMs: number) {
  let clock = 0;
  let tick: () => void = () => undefined;
  const steps: number[] = [];
  startStepLoop(
    (callback) => {
      tick = callback;
    },
    { stepMs, timerMs: 10, onStep: () => steps.push(clock) },
    () => clock,
  );
  return {
    steps,
    fire(at: number) {
      clock = at;
      tick();
    },
  };
}

describe("step loop", () => {
  it("steps once per elapsed period", () => {
    const loop = manualLoop(50);
    for (let at = 10; at <= 200; at += 10) loop.fire(at);
    expect(loop.steps).toEqual([50, 100, 150, 200]);
  });

  it("skips the backlog after a stall", () => {
    const loop = manualLoop(50);
    loop.fire(300);
    loop.fire(301);
    loop.fire(310);
    // The stall keeps at most one step of backlog: a step on each of the next two timer calls,
    // then none until a new period has passed, however long the stall was.
    expect(loop.steps).toEqual([300, 301]);
  });
});
