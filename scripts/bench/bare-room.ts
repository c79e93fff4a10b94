import { Room, type Client } from "@colyseus/core";
import { FIELD_SIZE, ORB_TARGET_COUNT, PLAYER_RADIUS, TICK_RATE } from "../../src/rooms/rules/constants.ts";
import { grantCredit } from "../../src/rooms/rules/input-credit.ts";
import { stepPosition } from "../../src/rooms/rules/movement.ts";
import { collectOrbs, spawnOrb } from "../../src/rooms/rules/orbs.ts";
import { ArenaState, OrbState, PlayerState } from "../../src/rooms/schema/ArenaState.ts";
import { MoveInput } from "../../src/rooms/schema/MoveInput.ts";

const STEP_MS = 1000 / TICK_RATE;
/** Timer period of the aligned loop: a step runs at most this late. */
const ALIGNED_TIMER_MS = 10;
/** Inputs a client may have waiting at the start of a step in the aligned variant; older ones are dropped. */
const ALIGNED_MAX_BACKLOG = 2;

/**
 * The arena's game with nothing else: same state schema, input schema, input credit, movement
 * and orb rules, but no authentication, round ledger, score sync, logging or chat. The
 * benchmark runs it beside the real room, so the difference is what Orbit Arena adds on top of
 * Colyseus.
 *
 * `AlignedBareRoom` also tries the tick changes proposed in docs/benchmarks.md. The patch goes
 * out right after each step instead of on Colyseus's own patch timer. Steps run from a 10 ms
 * timer instead of one 50 ms interval, and a client's input backlog is cut to two.
 */
export class BareRoom extends Room<{ state: ArenaState; input: MoveInput }> {
  /** Replaced by `AlignedBareRoom`. */
  protected readonly aligned: boolean = false;
  override state = new ArenaState();
  override maxClients = 16;

  override inputs = this.defineInput(MoveInput, {
    seqField: "seq",
    bufferMaxSize: 32,
    sanitize: { dx: [-1, 1], dy: [-1, 1] },
  });

  readonly #credit = new Map<string, number>();
  #nextOrbId = 0;

  override onCreate(): void {
    this.#refillOrbs();
    if (!this.aligned) {
      this.setFixedTimestep((ctx) => this.#step(ctx.dt), TICK_RATE);
      return;
    }
    this.patchRate = null;
    // Elapsed time from performance.now(): the room clock's deltaTime is also advanced by
    // other callers, so summing it loses time and steps would come too rarely.
    let last = performance.now();
    let backlogMs = 0;
    this.setTimestep(() => {
      const now = performance.now();
      backlogMs += now - last;
      last = now;
      if (backlogMs < STEP_MS) return;
      backlogMs = Math.min(backlogMs - STEP_MS, STEP_MS);
      this.#step(STEP_MS / 1000);
      this.broadcastPatch();
    }, ALIGNED_TIMER_MS);
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
      for (const orbId of collectOrbs(player, this.state.orbs.entries())) {
        const orb = this.state.orbs.get(orbId);
        if (!orb) continue;
        this.state.orbs.delete(orbId);
        player.score += orb.value;
      }
    }
    this.#refillOrbs();
  }

  #applyInputs(sessionId: string, player: PlayerState, dt: number): void {
    let credit = grantCredit(this.#credit.get(sessionId) ?? 0);
    const inputs = this.inputs.get(sessionId);
    if (this.aligned) while (inputs.size > ALIGNED_MAX_BACKLOG) inputs.next();
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
    while (this.state.orbs.size < ORB_TARGET_COUNT) {
      const spawned = spawnOrb(Math.random);
      const orb = new OrbState();
      orb.x = spawned.x;
      orb.y = spawned.y;
      orb.value = spawned.value;
      this.state.orbs.set(String(this.#nextOrbId++), orb);
    }
  }
}

/** The bare room with the proposed tick changes. */
export class AlignedBareRoom extends BareRoom {
  protected override readonly aligned: boolean = true;
}
