/**
 * On-screen joystick for touch screens, built on pointer events so it also works with a pen or a
 * mouse. The knob's offset from the centre, divided by the radius, is the movement direction.
 */
import type { MoveDirection } from "../../src/rooms/rules/movement.ts";

/** Offsets below this share of the radius count as no input, so a resting thumb does not drift. */
const DEAD_ZONE = 0.15;

export class Joystick {
  private pointerId: number | null = null;
  private vector: MoveDirection = { dx: 0, dy: 0 };

  constructor(
    private readonly base: HTMLElement,
    private readonly knob: HTMLElement,
  ) {
    base.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    base.addEventListener("pointermove", (event) => this.onPointerMove(event));
    base.addEventListener("pointerup", (event) => this.onPointerEnd(event));
    base.addEventListener("pointercancel", (event) => this.onPointerEnd(event));
    base.addEventListener("lostpointercapture", (event) => this.onPointerEnd(event));
  }

  direction(): MoveDirection {
    return this.vector;
  }

  private onPointerDown(event: PointerEvent): void {
    if (this.pointerId !== null) {
      return;
    }
    this.pointerId = event.pointerId;
    this.base.setPointerCapture(event.pointerId);
    this.base.classList.add("active");
    this.update(event);
    event.preventDefault();
  }

  private onPointerMove(event: PointerEvent): void {
    if (event.pointerId === this.pointerId) {
      this.update(event);
    }
  }

  private onPointerEnd(event: PointerEvent): void {
    if (event.pointerId !== this.pointerId) {
      return;
    }
    this.pointerId = null;
    this.vector = { dx: 0, dy: 0 };
    this.base.classList.remove("active");
    this.knob.style.transform = "";
  }

  private update(event: PointerEvent): void {
    const rect = this.base.getBoundingClientRect();
    const radius = rect.width / 2;
    let dx = (event.clientX - (rect.left + radius)) / radius;
    let dy = (event.clientY - (rect.top + radius)) / radius;
    const length = Math.hypot(dx, dy);
    if (length > 1) {
      dx /= length;
      dy /= length;
    }
    this.vector = length < DEAD_ZONE ? { dx: 0, dy: 0 } : { dx, dy };
    this.knob.style.transform = `translate(${dx * radius * 0.6}px, ${dy * radius * 0.6}px)`;
  }
}

/** Shows the joystick on touch-first devices, and on any device as soon as a finger touches the page. */
export function revealJoystickOnTouch(root: HTMLElement): void {
  if (window.matchMedia("(pointer: coarse)").matches) {
    root.classList.add("touch");
  }
  window.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "touch") {
      root.classList.add("touch");
    }
  });
}
