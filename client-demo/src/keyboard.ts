/**
 * Keyboard movement input: WASD and the arrow keys. Keys are read by `KeyboardEvent.code`, the
 * physical key, so the same keys work on AZERTY or other layouts.
 */
import type { MoveDirection } from "../../src/rooms/rules/movement.ts";

const DIRECTION_BY_CODE: Record<string, MoveDirection> = {
  KeyW: { dx: 0, dy: -1 },
  ArrowUp: { dx: 0, dy: -1 },
  KeyS: { dx: 0, dy: 1 },
  ArrowDown: { dx: 0, dy: 1 },
  KeyA: { dx: -1, dy: 0 },
  ArrowLeft: { dx: -1, dy: 0 },
  KeyD: { dx: 1, dy: 0 },
  ArrowRight: { dx: 1, dy: 0 },
};

/** True when keys typed into `target` belong to a text field and must not move the player. */
export function isTextEntryTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** True for fields that take typed text, where Escape and Enter belong to the field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
}

export class KeyboardInput {
  private readonly pressed = new Set<string>();

  constructor(target: Window = window) {
    target.addEventListener("keydown", (event) => this.onKeyDown(event));
    target.addEventListener("keyup", (event) => this.pressed.delete(event.code));
    // A key released while the page had no focus never sends keyup, so forget everything.
    target.addEventListener("blur", () => this.clear());
    document.addEventListener("visibilitychange", () => this.clear());
    document.addEventListener("focusin", (event) => {
      if (isTextEntryTarget(event.target)) {
        this.clear();
      }
    });
  }

  /** Sum of the held direction keys; opposite keys cancel out. */
  direction(): MoveDirection {
    let dx = 0;
    let dy = 0;
    for (const code of this.pressed) {
      const direction = DIRECTION_BY_CODE[code];
      if (direction !== undefined) {
        dx += direction.dx;
        dy += direction.dy;
      }
    }
    return { dx: Math.sign(dx), dy: Math.sign(dy) };
  }

  clear(): void {
    this.pressed.clear();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (!(event.code in DIRECTION_BY_CODE) || isTextEntryTarget(event.target)) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    this.pressed.add(event.code);
    // Arrow keys would otherwise scroll the page.
    event.preventDefault();
  }
}
