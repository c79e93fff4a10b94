import { Room, type Client } from "@colyseus/core";
import { FIELD_SIZE, ORB_TARGET_COUNT, PLAYER_RADIUS, TICK_RATE } from "../../src/rooms/rules/constants.ts";
import { grantCredit, MAX_QUEUED_INPUTS } from "../../src/rooms/rules/input-credit.ts";
import { stepPosition } from "../../src/rooms/rules/movement.ts";
import { OrbField } from "../../src/rooms/rules/orb-field.ts";
import { spawnOrb } from "../../src/rooms/rules/orbs.ts";
import { ArenaState, OrbState, PlayerState } from "../../src/rooms/schema/ArenaState.ts";
import { MoveInput } from "../../src/rooms/schema/MoveInput.ts";
import { startPatchedSteps } from "../../src/rooms/step-loop.ts";

/** Period of the step loop's timer, as in the arena room. */
const STEP_TIMER_MS = 10;

/**
 * The arena's game with nothing else: same state schema, input schema, input credit, input
 * backlog cap, movement and orb rules (with the plain orb copy the pickup check reads), but no
 * authentication, round ledger, score sync, logging or chat. The benchmark runs it beside the
 * real room, so the difference is what Orbit Arena adds on top of Colyseus.
 *
 * `BareRoom` steps with Colyseus's `setFixedTimestep` and sends patches on Colyseus's own 50 ms
 * timer. `AlignedBareRoom` uses the arena's step loop (`src/rooms/step-loop.ts`), which sends
 * each step's patch right after the step.
 */
export class BareRoom extends Room<{ state: ArenaState; input: MoveInput }> {
  /** Replaced by `AlignedBareRoom`. */
  protected readonly aligned: boolean = false;
  override state = new ArenaState();
  override maxClients = 16;

  override inputs = this.defineInput(MoveInput, {
    seqField: "seq",
    bufferMaxSize: 32,
    // The aligned variant's timer runs every 10 ms, but the rate sent to clients must stay 20 steps a second.
    tickRate: TICK_RATE,
    sanitize: { dx: [-1, 1], dy: [-1, 1] },
  });

  readonly #credit = new Map<string, number>();
  readonly #orbs = new OrbField();
  #nextOrbId = 0;

  override onCreate(): void {
    this.#refillOrbs();
    if (!this.aligned) {
      this.setFixedTimestep((ctx) => this.#step(ctx.dt), TICK_RATE);
      return;
    }
    startPatchedSteps(this, TICK_RATE, STEP_TIMER_MS, (dt) => this.#step(dt));
  }

  override onJoin(client: Client): void {
    const player = new PlayerState();
    player.x = PLAYER_RADIUS + Math.random() * (FIELD_SIZE - 2 * PLAYER_RADIUS);
    player.y = PLAYER_RADIUS + Math.random() * (FIELD_SIZE - 2 * PLAYER_RADIUS);
    player.connected = true;
    this.state.players.set(client.sessionId, player);
    this.#credit.set(client.sessionId, 1);
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
    this.#credit.delete(client.sessionId);
  }

  #step(dt: number): void {
    for (const [sessionId, player] of this.state.players) {
      this.#applyInputs(sessionId, player, dt);
      for (const orb of this.#orbs.collectAt(player.x, player.y)) {
        this.state.orbs.delete(orb.id);
        player.score += orb.value;
      }
    }
    this.#refillOrbs();
  }

  #applyInputs(sessionId: string, player: PlayerState, dt: number): void {
    let credit = grantCredit(this.#credit.get(sessionId) ?? 0);
    const inputs = this.inputs.get(sessionId);
    while (inputs.size > MAX_QUEUED_INPUTS) inputs.next();
    while (credit >= 1) {
      const input = inputs.next();
      if (!input) break;
      stepPosition(player, input, dt);
      player.lastSeq = input.seq;
      credit -= 1;
    }
    this.#credit.set(sessionId, credit);
  }

  #refillOrbs(): void {
    while (this.#orbs.size < ORB_TARGET_COUNT) {
      const spawned = spawnOrb(Math.random);
      const orb = new OrbState();
      orb.x = spawned.x;
      orb.y = spawned.y;
      orb.value = spawned.value;
      const orbId = String(this.#nextOrbId++);
      this.#orbs.place(orbId, spawned);
      this.state.orbs.set(orbId, orb);
    }
  }
}

/** The bare room with the arena's step loop. */
export class AlignedBareRoom extends BareRoom {
  protected override readonly aligned: boolean = true;
}
