/**
 * Steers the own player to orbs with the arrow keys, the way a player would, reading where the
 * nearest orb is through the debug hook. Used by the tests that need a score.
 */
import type { GamePage } from "./game-page.ts";

type Key = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown";

/** Closer than this on an axis, the key for that axis is released. Orbs are picked up within 28 units. */
const AXIS_TOLERANCE = 8;

function keysToward(from: { x: number; y: number }, to: { x: number; y: number }): Set<Key> {
  const keys = new Set<Key>();
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (dx > AXIS_TOLERANCE) keys.add("ArrowRight");
  if (dx < -AXIS_TOLERANCE) keys.add("ArrowLeft");
  if (dy > AXIS_TOLERANCE) keys.add("ArrowDown");
  if (dy < -AXIS_TOLERANCE) keys.add("ArrowUp");
  return keys;
}

async function holdOnly(game: GamePage, held: Set<Key>, wanted: Set<Key>): Promise<void> {
  for (const key of [...held]) {
    if (!wanted.has(key)) {
      await game.page.keyboard.up(key);
      held.delete(key);
    }
  }
  for (const key of wanted) {
    if (!held.has(key)) {
      await game.page.keyboard.down(key);
      held.add(key);
    }
  }
}

/**
 * Holds the keys toward the nearest orb until the HUD score rises above `scoreBefore`. After
 * each key change it waits, in the page, until other keys are needed or the score changes, so
 * it reacts within a frame without polling from the test process.
 */
export async function collectAnOrb(game: GamePage, scoreBefore: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const held = new Set<Key>();
  await game.page.locator("#game").focus();
  try {
    while (Date.now() < deadline) {
      const score = await game.scoreValue();
      if (score > scoreBefore) {
        return score;
      }
      const snapshot = await game.debug();
      const orb = snapshot.nearestOrb;
      await holdOnly(game, held, orb === null ? new Set() : keysToward(snapshot.predicted, orb));
      await waitForSteeringChange(game, keyCode(held), scoreBefore, Math.max(1, deadline - Date.now()));
    }
  } finally {
    await holdOnly(game, held, new Set());
  }
  throw new Error(`no orb collected within ${timeoutMs} ms (score stayed ${scoreBefore})`);
}

/** The held keys as a string, "" for none: R, L, D, U in that order, as the page computes it too. */
function keyCode(keys: Set<Key>): string {
  const order: [Key, string][] = [
    ["ArrowRight", "R"],
    ["ArrowLeft", "L"],
    ["ArrowDown", "D"],
    ["ArrowUp", "U"],
  ];
  return order.flatMap(([key, letter]) => (keys.has(key) ? [letter] : [])).join("");
}

async function waitForSteeringChange(game: GamePage, heldCode: string, scoreBefore: number, timeoutMs: number): Promise<void> {
  await game.page.waitForFunction(
    ({ held, before, tolerance }) => {
      const snapshot = window.orbitDebug?.();
      const score = Number(document.querySelector("#hud-score")?.textContent);
      if (snapshot == null || score > before) {
        return true;
      }
      const orb = snapshot.nearestOrb;
      let wanted = "";
      if (orb !== null) {
        const dx = orb.x - snapshot.predicted.x;
        const dy = orb.y - snapshot.predicted.y;
        wanted = (dx > tolerance ? "R" : "") + (dx < -tolerance ? "L" : "") + (dy > tolerance ? "D" : "") + (dy < -tolerance ? "U" : "");
      }
      return wanted !== held;
    },
    { held: heldCode, before: scoreBefore, tolerance: AXIS_TOLERANCE },
    { timeout: timeoutMs, polling: "raf" },
  );
}
