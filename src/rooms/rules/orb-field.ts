import { touchesOrb, type Orb } from "./orbs.ts";

/** An orb on the field with the key it has in the synchronised state. */
export interface PlacedOrb extends Orb {
  id: string;
}

/**
 * The orbs on the field as plain objects in an array, beside the synchronised `MapSchema`.
 * The pickup check reads every orb for every player on every step: schema getters and Map
 * iterators (one entry array per orb) cost more than the distance test itself.
 */
export class OrbField {
  readonly #orbs: PlacedOrb[] = [];

  get size(): number {
    return this.#orbs.length;
  }

  place(id: string, orb: Orb): void {
    this.#orbs.push({ id, x: orb.x, y: orb.y, value: orb.value });
  }

  /**
   * Removes and returns the orbs a player at (x, y) touches. Each orb goes to the first player
   * checked in a step, because it is gone for the players checked after.
   */
  collectAt(x: number, y: number): PlacedOrb[] {
    let collected: PlacedOrb[] | undefined;
    const position = { x, y };
    for (let index = this.#orbs.length - 1; index >= 0; index -= 1) {
      const orb = this.#orbs[index]!;
      if (!touchesOrb(position, orb)) continue;
      // Order does not matter, so the last orb fills the gap.
      this.#orbs[index] = this.#orbs[this.#orbs.length - 1]!;
      this.#orbs.pop();
      (collected ??= []).push(orb);
    }
    return collected ?? NONE;
  }

  clear(): void {
    this.#orbs.length = 0;
  }
}

const NONE: PlacedOrb[] = [];
