import { randomUUID } from "node:crypto";
import { ClientState, CloseCode, Room, ServerError, type Client } from "@colyseus/core";
import { TokenError, type GuestClaims } from "../auth/tokens.ts";
import type { ArenaServices } from "./arena-services.ts";
import { ChatGuard } from "./chat-guard.ts";
import { CloseCodes, JoinErrorStatus } from "./error-codes.ts";
import { FrameBudget } from "./frame-budget.ts";
import { RoundLedger } from "./round-ledger.ts";
import { FIELD_SIZE, ORB_TARGET_COUNT, PLAYER_RADIUS, TICK_RATE } from "./rules/constants.ts";
import { grantCredit } from "./rules/input-credit.ts";
import { clampDirection, stepPosition } from "./rules/movement.ts";
import { collectOrbs, spawnOrb } from "./rules/orbs.ts";
import { ArenaState, OrbState, PlayerState } from "./schema/ArenaState.ts";
import { MoveInput } from "./schema/MoveInput.ts";

const SERVER_CLOSE_CODES = new Set<number>(Object.values(CloseCodes));

/** Per-session data the room keeps outside the synchronised state. */
interface Seat {
  playerId: string;
  name: string;
  inputCredit: number;
  chat: ChatGuard;
}

/**
 * The arena: up to `maxPlayers` players move around a square field collecting orbs in timed
 * rounds. The server is authoritative: clients send only inputs, and the room simulates at a
 * fixed TICK_RATE. Each player's `lastSeq` is the sequence number of the last input the state
 * includes, which the client needs to reconcile its prediction.
 *
 * Use `createArenaRoom(services)` to get a class bound to its services.
 */
export class ArenaRoom extends Room<{ state: ArenaState; input: MoveInput }> {
  /** Replaced by the subclass that `createArenaRoom` returns. */
  protected services!: ArenaServices;

  override state = new ArenaState();

  override inputs = this.defineInput(MoveInput, {
    // Frames whose seq is not above the last one seen are dropped, so a replayed or
    // duplicated input never moves a player.
    seqField: "seq",
    bufferMaxSize: 32,
    sanitize: (input) => this.#sanitizeInput(input),
  });

  // Handlers validate with safeParse and drop bad payloads: Colyseus's validate() would
  // disconnect the sender instead. "_" receives every message type without a handler.
  override messages = {
    chat: (client: Client, payload: unknown) => this.#onChat(client, payload),
    _: (client: Client, type: unknown) => this.#onUnknownMessage(client, type),
  };

  #frameBudget!: FrameBudget;
  readonly #seats = new Map<string, Seat>();
  #ledger = new RoundLedger();
  #roundId = randomUUID();
  #nextOrbId = 0;
  #syncing = false;
  #shuttingDown = false;

  override onCreate(): void {
    const { settings } = this.services;
    this.maxClients = settings.maxPlayers;
    this.autoDispose = true;
    this.#frameBudget = FrameBudget.install(this, settings.frameBudget, (client) => this.#kickFlooder(client));

    this.#startRound();
    this.setFixedTimestep((ctx) => this.#step(ctx.dt), TICK_RATE);
    this.clock.setInterval(() => void this.#syncLiveScores(), settings.scoreSyncMs);
    this.services.log.info({ roomId: this.roomId }, "arena room created");
  }

  override onJoin(client: Client, _options: unknown, auth: GuestClaims): void {
    this.#replaceOlderSession(auth.playerId);

    const player = new PlayerState();
    player.playerId = auth.playerId;
    player.name = auth.name;
    player.x = PLAYER_RADIUS + this.services.random() * (FIELD_SIZE - 2 * PLAYER_RADIUS);
    player.y = PLAYER_RADIUS + this.services.random() * (FIELD_SIZE - 2 * PLAYER_RADIUS);
    player.score = this.#ledger.enter(auth.playerId, auth.name);
    player.connected = true;
    this.state.players.set(client.sessionId, player);
    this.#seats.set(client.sessionId, { playerId: auth.playerId, name: auth.name, inputCredit: 1, chat: new ChatGuard(Date.now()) });

    // The server's clock lets the client show round timers that do not depend on its own clock.
    client.send("welcome", { playerId: auth.playerId, serverNow: Date.now() });
    this.services.log.info({ roomId: this.roomId, playerId: auth.playerId, sessionId: client.sessionId }, "player joined");
  }

  override onDrop(client: Client, code?: number): void {
    // A client the server itself closed (replaced, flooding, restarting) gets no seat hold.
    if (code !== undefined && SERVER_CLOSE_CODES.has(code)) return;
    const player = this.state.players.get(client.sessionId);
    if (player) player.connected = false;
    this.allowReconnection(client, this.services.settings.reconnectSeconds);
  }

  override onReconnect(client: Client): void {
    const player = this.state.players.get(client.sessionId);
    if (player) player.connected = true;
    this.services.log.info({ roomId: this.roomId, sessionId: client.sessionId }, "player reconnected");
  }

  override onLeave(client: Client, code?: number): void {
    const seat = this.#seats.get(client.sessionId);
    this.state.players.delete(client.sessionId);
    this.#seats.delete(client.sessionId);
    this.#frameBudget.forget(client.sessionId);
    this.services.log.info({ roomId: this.roomId, playerId: seat?.playerId, sessionId: client.sessionId, code }, "player left");
  }

  override onBeforeShutdown(): void {
    // Save the running round before telling clients to go, so a restart loses no points.
    this.#shuttingDown = true;
    void this.lock();
    void this.#finishRound("shutdown").finally(() => {
      this.disconnect(CloseCodes.SERVER_RESTARTING).catch((error: Error) => {
        this.services.log.warn({ roomId: this.roomId, err: error.message }, "room was already disposing at shutdown");
      });
    });
  }

  override async onDispose(): Promise<void> {
    if (this.state.phase === "playing") await this.#finishRound("disposed");
    this.services.log.info({ roomId: this.roomId }, "arena room disposed");
  }

  override onUncaughtException(error: Error, methodName: string): void {
    this.services.log.error({ roomId: this.roomId, method: methodName, err: error }, "arena room error");
  }

  /** Disconnects a client over its frame budget, before the frame is decoded. */
  #kickFlooder(client: Client): void {
    if (client.state === ClientState.LEAVING) return;
    this.services.metrics.kicks.inc({ reason: "flooding" });
    this.services.log.warn({ roomId: this.roomId, sessionId: client.sessionId }, "client kicked for flooding");
    client.leave(CloseCodes.FLOODING, "FLOODING: too many messages; slow down and reconnect");
  }

  #step(dt: number): void {
    const stopTimer = this.services.metrics.tickDuration.startTimer();
    try {
      this.#simulate(dt);
    } finally {
      stopTimer();
    }
  }

  #simulate(dt: number): void {
    const now = Date.now();
    if (this.state.phase === "results") {
      if (now >= this.state.nextRoundAt && !this.#shuttingDown) this.#startRound();
      return;
    }

    for (const [sessionId, player] of this.state.players) {
      this.#applyInputs(sessionId, player, dt);
      this.#collectOrbs(player);
    }
    this.#refillOrbs();

    if (now >= this.state.roundEndsAt) void this.#finishRound("timer");
  }

  #applyInputs(sessionId: string, player: PlayerState, dt: number): void {
    const seat = this.#seats.get(sessionId);
    if (!seat) return;

    seat.inputCredit = grantCredit(seat.inputCredit);
    const inputs = this.inputs.get(sessionId);
    while (seat.inputCredit >= 1) {
      const input = inputs.next();
      if (!input) break;
      stepPosition(player, input, dt);
      player.lastSeq = input.seq;
      seat.inputCredit -= 1;
    }
  }

  #collectOrbs(player: PlayerState): void {
    const collected = collectOrbs(player, this.state.orbs.entries());
    for (const orbId of collected) {
      const orb = this.state.orbs.get(orbId);
      if (!orb) continue;
      this.state.orbs.delete(orbId);
      player.score = this.#ledger.add(player.playerId, orb.value);
    }
  }

  #refillOrbs(): void {
    while (this.state.orbs.size < ORB_TARGET_COUNT) {
      const spawned = spawnOrb(this.services.random);
      const orb = new OrbState();
      orb.x = spawned.x;
      orb.y = spawned.y;
      orb.value = spawned.value;
      this.state.orbs.set(String(this.#nextOrbId++), orb);
    }
  }

  #startRound(): void {
    const now = Date.now();
    this.#ledger = new RoundLedger();
    this.#roundId = randomUUID();
    this.state.round += 1;
    this.state.phase = "playing";
    this.state.roundEndsAt = now + this.services.settings.roundSeconds * 1000;
    this.state.nextRoundAt = this.state.roundEndsAt + this.services.settings.resultsSeconds * 1000;
    for (const [sessionId, player] of this.state.players) {
      const seat = this.#seats.get(sessionId);
      player.score = seat ? this.#ledger.enter(seat.playerId, seat.name) : 0;
      // Inputs sent during the results phase would otherwise move the player at once.
      this.inputs.get(sessionId).clear();
    }
    this.#refillOrbs();
    this.services.log.info({ roomId: this.roomId, round: this.state.round, roundId: this.#roundId }, "round started");
  }

  /**
   * Ends the running round and hands its results to the job queue. The ledger is captured
   * before the first await, so a second call for the same round finds phase "results" and
   * does nothing.
   */
  async #finishRound(reason: "timer" | "shutdown" | "disposed"): Promise<void> {
    if (this.state.phase !== "playing") return;
    const now = Date.now();
    this.state.phase = "results";
    this.state.roundEndsAt = now;
    this.state.nextRoundAt = now + this.services.settings.resultsSeconds * 1000;
    this.state.orbs.clear();

    const result = this.#ledger.toRoundResult(this.roomId, this.#roundId, this.state.round, now);
    const standings = [...result.results].sort((a, b) => b.score - a.score);
    this.broadcast("results", { round: result.round, standings });

    if (result.results.length === 0) return;
    try {
      await this.services.jobs.submitRound(result);
      this.services.log.info({ roomId: this.roomId, roundId: result.roundId, players: result.results.length, reason }, "round finished");
    } catch (error) {
      this.services.log.error({ roomId: this.roomId, roundId: result.roundId, err: error }, "could not submit round result");
    }
  }

  /** Copies changed live scores into the profile cache; one sync at a time, so writes stay in order. */
  async #syncLiveScores(): Promise<void> {
    if (this.#syncing || this.state.phase !== "playing") return;
    this.#syncing = true;
    const ledger = this.#ledger;
    const roundId = this.#roundId;
    try {
      for (const { playerId, score } of ledger.unsynced()) {
        await this.services.profiles.recordRoundScore(playerId, { roundId, score, final: false });
        ledger.markSynced(playerId, score);
      }
    } catch (error) {
      // The ledger still contains the score, so the next sync writes it; nothing is lost.
      this.services.log.warn({ roomId: this.roomId, err: (error as Error).message }, "live score sync failed; will retry");
    } finally {
      this.#syncing = false;
    }
  }

  #onChat(client: Client, payload: unknown): void {
    const seat = this.#seats.get(client.sessionId);
    if (!seat) return;

    const verdict = seat.chat.check(payload, Date.now());
    if (!verdict.accepted) {
      if (verdict.reason === "invalid") this.services.metrics.invalidMessages.inc({ type: "chat" });
      if (verdict.reason === "rate-limited") {
        client.send("error", { code: "RATE_LIMITED", message: "chat rate limit reached; wait a moment before sending again" });
      }
      return;
    }
    this.services.metrics.messagesIn.inc({ type: "chat" });
    // NOTE: the "global" channel stays inside this room until the cross-node chat bus exists.
    this.broadcast("chat", { playerId: seat.playerId, name: seat.name, text: verdict.text, channel: verdict.channel });
    this.services.metrics.messagesOut.inc({ type: "chat" }, this.clients.length);
  }

  #onUnknownMessage(client: Client, type: unknown): void {
    this.services.metrics.invalidMessages.inc({ type: "unknown" });
    this.services.log.debug({ roomId: this.roomId, sessionId: client.sessionId, type: String(type).slice(0, 32) }, "dropped message of unknown type");
  }

  /** Replaces non-finite or out-of-range directions in place; counts each replaced frame. */
  #sanitizeInput(input: MoveInput): void {
    const valid = Number.isFinite(input.dx) && Number.isFinite(input.dy) && Math.abs(input.dx) <= 1 && Math.abs(input.dy) <= 1;
    if (valid) return;
    this.services.metrics.invalidMessages.inc({ type: "input" });
    const clamped = clampDirection(input.dx, input.dy);
    input.dx = clamped.dx;
    input.dy = clamped.dy;
  }

  /** Closes an older session of the same player in this room, so one player has one seat. */
  #replaceOlderSession(playerId: string): void {
    for (const [sessionId, seat] of this.#seats) {
      if (seat.playerId !== playerId) continue;
      const older = this.clients.getById(sessionId);
      older?.leave(CloseCodes.SESSION_REPLACED, "SESSION_REPLACED: this player joined again from another session");
      this.state.players.delete(sessionId);
      this.#seats.delete(sessionId);
    }
  }
}

/** Returns an arena room class bound to its services, for `defineRoom`. */
export function createArenaRoom(services: ArenaServices): typeof ArenaRoom {
  return class BoundArenaRoom extends ArenaRoom {
    protected override services = services;

    static override async onAuth(_token: string, options: unknown): Promise<GuestClaims> {
      const token = typeof options === "object" && options !== null ? (options as { token?: unknown }).token : undefined;
      try {
        return await services.tokens.verify(token);
      } catch (error) {
        if (error instanceof TokenError) {
          throw new ServerError(JoinErrorStatus[error.code], `${error.code}: ${error.message}`);
        }
        throw error;
      }
    }
  };
}

export { CloseCode };
