import { randomUUID } from "node:crypto";
import { ClientState, CloseCode, matchMaker, Room, ServerError, type Client } from "@colyseus/core";
import { TokenError, type GuestClaims } from "../auth/tokens.ts";
import type { PlayerResult, RoundResult } from "../jobs/round-result.ts";
import type { ArenaServices } from "./arena-services.ts";
import { OWNERSHIP_RENEW_MS, type SessionOwner } from "../cluster/session-registry.ts";
import { ChatGuard } from "./chat-guard.ts";
import { AnnouncementMessage, GlobalChatMessage } from "./cluster-messages.ts";
import { CloseCodes, JoinErrorStatus } from "./error-codes.ts";
import { FrameBudget } from "./frame-budget.ts";
import { dropUnreliableInputs } from "./input-frame-filter.ts";
import { RoundLedger } from "./round-ledger.ts";
import { SessionLink } from "./session-link.ts";
import { startPatchedSteps } from "./step-loop.ts";
import { FIELD_SIZE, ORB_TARGET_COUNT, PLAYER_RADIUS, TICK_RATE } from "./rules/constants.ts";
import { grantCredit, MAX_QUEUED_INPUTS } from "./rules/input-credit.ts";
import { clampDirection, stepPosition } from "./rules/movement.ts";
import { OrbField } from "./rules/orb-field.ts";
import { spawnOrb, type Orb } from "./rules/orbs.ts";
import { ArenaState, OrbState, PlayerState } from "./schema/ArenaState.ts";
import { MoveInput } from "./schema/MoveInput.ts";

const SERVER_CLOSE_CODES = new Set<number>(Object.values(CloseCodes));

/** Per-session data the room keeps outside the synchronised state. */
interface Seat {
  playerId: string;
  name: string;
  inputCredit: number;
  chat: ChatGuard;
  /** Fencing epoch of this session; 0 until the claim completes. */
  epoch: number;
  /** False until the session this one replaced is closed; inputs are ignored meanwhile. */
  active: boolean;
  /** True once a newer session of the same player replaced this one. */
  replaced: boolean;
}

/** Interval at which the room refreshes the cluster-wide online count, in ms. */
const ONLINE_REFRESH_MS = 2000;

/** Period of the timer that checks for a due step, in ms. A step and its patch run at most this late. */
const STEP_TIMER_MS = 10;

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
    // The step loop runs on a 10 ms timer (see step-loop.ts). Without this, Colyseus would send
    // that timer's rate to predicting clients as the simulation rate.
    tickRate: TICK_RATE,
    sanitize: (input) => this.#sanitizeInput(input),
  });

  // Handlers validate with safeParse and drop bad payloads: Colyseus's validate() would
  // disconnect the sender instead. "_" receives every message type without a handler.
  override messages = {
    chat: (client: Client, payload: unknown) => this.#onChat(client, payload),
    _: (client: Client, type: unknown) => this.#onUnknownMessage(client, type),
  };

  #frameBudget!: FrameBudget;
  #sessionLink!: SessionLink;
  readonly #onGlobalChat = (payload: unknown) => this.#deliverGlobalChat(payload);
  readonly #onAnnouncement = (payload: unknown) => this.#deliverAnnouncement(payload);
  readonly #seats = new Map<string, Seat>();
  #ledger = new RoundLedger();
  #roundId = randomUUID();
  #nextOrbId = 0;
  /** Plain copies of the orbs in `state.orbs`, which the pickup check reads. */
  readonly #orbs = new OrbField();
  #syncing = false;
  #shuttingDown = false;

  override async onCreate(): Promise<void> {
    const { settings, channels } = this.services;
    this.maxClients = settings.maxPlayers;
    this.autoDispose = true;
    // The filter goes in first, so the frame budget, installed around it, also meters dropped frames.
    dropUnreliableInputs(this, (client) => {
      this.services.metrics.invalidMessages.inc({ type: "input" });
      this.services.log.debug({ roomId: this.roomId, sessionId: client.sessionId }, "unreliable input frame dropped");
    });
    this.#frameBudget = FrameBudget.install(this, settings.frameBudget, (client) => this.#kickFlooder(client));
    this.#sessionLink = new SessionLink({
      roomId: this.roomId,
      nodeId: this.services.nodeId(),
      presence: this.presence,
      sessions: this.services.sessions,
      channels,
      log: this.services.log,
      findClient: (sessionId) => this.clients.getById(sessionId),
      onReplaced: (sessionId) => {
        const seat = this.#seats.get(sessionId);
        if (seat) seat.replaced = true;
      },
    });
    await this.#sessionLink.start();
    await this.presence.subscribe(channels.globalChat, this.#onGlobalChat);
    await this.presence.subscribe(channels.announcements, this.#onAnnouncement);

    this.#startRound();
    startPatchedSteps(this, TICK_RATE, STEP_TIMER_MS, (dt) => this.#step(dt));
    this.clock.setInterval(() => void this.#syncLiveScores(), settings.scoreSyncMs);
    this.clock.setInterval(() => void this.#sessionLink.renew(this.#owners()), OWNERSHIP_RENEW_MS);
    this.clock.setInterval(() => void this.#refreshOnlineCount(), ONLINE_REFRESH_MS);
    this.services.log.info({ roomId: this.roomId }, "arena room created");
  }

  override async onJoin(client: Client, _options: unknown, auth: GuestClaims): Promise<void> {
    const seat: Seat = {
      playerId: auth.playerId,
      name: auth.name,
      inputCredit: 1,
      chat: new ChatGuard(Date.now()),
      epoch: 0,
      active: false,
      replaced: false,
    };
    this.#seats.set(client.sessionId, seat);
    try {
      seat.epoch = await this.#sessionLink.claim(auth.playerId, client.sessionId);
    } catch (error) {
      this.#seats.delete(client.sessionId);
      this.services.log.error({ roomId: this.roomId, playerId: auth.playerId, err: error }, "could not claim the player's session");
      throw new ServerError(503, "UNAVAILABLE: could not register the session; try again shortly");
    }

    const player = new PlayerState();
    player.playerId = auth.playerId;
    player.name = auth.name;
    player.x = PLAYER_RADIUS + this.services.random() * (FIELD_SIZE - 2 * PLAYER_RADIUS);
    player.y = PLAYER_RADIUS + this.services.random() * (FIELD_SIZE - 2 * PLAYER_RADIUS);
    player.score = this.#ledger.enter(auth.playerId, auth.name);
    this.#ledger.setEpoch(auth.playerId, seat.epoch);
    player.connected = true;
    this.state.players.set(client.sessionId, player);
    seat.active = true;

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
    const seat = this.#seats.get(client.sessionId);
    // A fresh clock sample, because the client's offset may have drifted during the outage.
    if (seat) client.send("welcome", { playerId: seat.playerId, serverNow: Date.now() });
    this.services.log.info({ roomId: this.roomId, sessionId: client.sessionId }, "player reconnected");
  }

  override onLeave(client: Client, code?: number): void {
    const seat = this.#seats.get(client.sessionId);
    if (seat && !seat.replaced && seat.epoch > 0) {
      this.#sessionLink.release({ playerId: seat.playerId, sessionId: client.sessionId, epoch: seat.epoch, nodeId: "", roomId: this.roomId });
    }
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
    this.#sessionLink.stop();
    this.presence.unsubscribe(this.services.channels.globalChat, this.#onGlobalChat);
    this.presence.unsubscribe(this.services.channels.announcements, this.#onAnnouncement);
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
    if (!seat || !seat.active) return;

    seat.inputCredit = grantCredit(seat.inputCredit);
    const inputs = this.inputs.get(sessionId);
    while (inputs.size > MAX_QUEUED_INPUTS) inputs.next();
    while (seat.inputCredit >= 1) {
      const input = inputs.next();
      if (!input) break;
      stepPosition(player, input, dt);
      player.lastSeq = input.seq;
      seat.inputCredit -= 1;
    }
  }

  #collectOrbs(player: PlayerState): void {
    for (const orb of this.#orbs.collectAt(player.x, player.y)) {
      this.state.orbs.delete(orb.id);
      player.score = this.#ledger.add(player.playerId, orb.value);
    }
  }

  /**
   * Puts an orb on the field, in the synchronised state and in the copy the pickup check reads.
   * Public so tests can place an orb where they need it.
   */
  placeOrb(orbId: string, orb: Orb): void {
    const synced = new OrbState();
    synced.x = orb.x;
    synced.y = orb.y;
    synced.value = orb.value;
    this.#orbs.place(orbId, orb);
    this.state.orbs.set(orbId, synced);
  }

  #refillOrbs(): void {
    while (this.#orbs.size < ORB_TARGET_COUNT) {
      this.placeOrb(String(this.#nextOrbId++), spawnOrb(this.services.random));
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
      // The new ledger must carry the session's epoch: with epoch 0 every live sync of this round
      // is fenced, so no checkpoint is written and a node crash would lose the whole round.
      if (seat) this.#ledger.setEpoch(seat.playerId, seat.epoch);
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
    this.#orbs.clear();

    const result = this.#ledger.toRoundResult(this.roomId, this.#roundId, this.state.round, now);
    const standings = [...result.results]
      .sort((a, b) => b.score - a.score)
      .map(({ playerId, name, score }) => ({ playerId, name, score }));

    // Players see the results only once the round is queued (or held for a Redis outage), so a
    // result a player has seen is never lost to a crash of this node right after it.
    await this.#submitRound(result, reason);
    this.broadcast("results", { round: result.round, standings });
  }

  async #submitRound(result: RoundResult, reason: string): Promise<void> {
    result.results = await this.#withoutFencedResults(result.results);
    if (result.results.length === 0) return;
    try {
      this.services.metrics.roundsFinished.inc({ reason });
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
      const checkpoint = { roomId: this.roomId, round: this.state.round, nodeId: this.services.nodeId() };
      const unsynced = ledger.unsynced();
      // One batch per room and sync. With every profile cached it is one script call, plus one on
      // the queue Redis for fencing and the checkpoint when the cache has its own Redis.
      const outcomes = await this.services.profiles.recordRoundScores(
        unsynced.map(({ playerId, name, score, epoch }) => ({
          playerId,
          change: { roundId, score, final: false, epoch, checkpoint: { ...checkpoint, name } },
        })),
      );
      let applied = 0;
      unsynced.forEach(({ playerId, score, epoch }, index) => {
        const status = outcomes[index]?.status;
        if (status === "applied") applied += 1;
        if (status === "fenced") {
          this.services.log.warn({ roomId: this.roomId, playerId, epoch }, "live score rejected: a newer session owns the player");
        }
        ledger.markSynced(playerId, score);
      });
      // An applied change already refreshed the checkpoint's time. Without one, refresh it here.
      if (applied === 0) await this.services.profiles.touchRound(roundId);
    } catch (error) {
      // The ledger still contains the score, so the next sync writes it.
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
    if (verdict.channel === "global") {
      const message: GlobalChatMessage = { playerId: seat.playerId, name: seat.name, text: verdict.text, channel: "global", sentAt: Date.now() };
      // One presence connection per node publishes in call order, so a sender's messages
      // reach every node in the order they were sent.
      void this.presence.publish(this.services.channels.globalChat, message);
      return;
    }
    this.broadcast("chat", { playerId: seat.playerId, name: seat.name, text: verdict.text, channel: "room" });
    this.services.metrics.messagesOut.inc({ type: "chat" }, this.clients.length);
  }

  #deliverGlobalChat(payload: unknown): void {
    const parsed = GlobalChatMessage.safeParse(payload);
    if (!parsed.success) {
      this.services.metrics.invalidMessages.inc({ type: "global-chat" });
      return;
    }
    const { playerId, name, text, channel } = parsed.data;
    this.broadcast("chat", { playerId, name, text, channel });
    this.services.metrics.messagesOut.inc({ type: "chat" }, this.clients.length);
  }

  #deliverAnnouncement(payload: unknown): void {
    const parsed = AnnouncementMessage.safeParse(payload);
    if (!parsed.success) {
      this.services.metrics.invalidMessages.inc({ type: "announcement" });
      return;
    }
    this.broadcast("announcement", parsed.data);
  }

  async #refreshOnlineCount(): Promise<void> {
    try {
      this.state.online = await matchMaker.stats.getGlobalCCU();
    } catch (error) {
      this.services.log.debug({ roomId: this.roomId, err: (error as Error).message }, "could not read the online count");
    }
  }

  #owners(): SessionOwner[] {
    const owners: SessionOwner[] = [];
    for (const [sessionId, seat] of this.#seats) {
      if (seat.epoch > 0 && !seat.replaced) {
        owners.push({ playerId: seat.playerId, sessionId, epoch: seat.epoch, nodeId: this.services.nodeId(), roomId: this.roomId });
      }
    }
    return owners;
  }

  /**
   * Drops results whose session was taken over by a newer one (the fencing check). When the
   * registry cannot be asked, every result is kept: the round was produced by this room, and
   * losing it is worse than counting a result that a takeover would have fenced.
   */
  async #withoutFencedResults(results: PlayerResult[]): Promise<PlayerResult[]> {
    const stamped = results.filter((result) => result.epoch !== undefined && result.epoch > 0);
    let verdicts: boolean[];
    try {
      verdicts = await this.services.sessions.accepts(stamped.map((result) => ({ playerId: result.playerId, epoch: result.epoch! })));
    } catch (error) {
      this.services.log.warn({ roomId: this.roomId, err: (error as Error).message }, "could not check session epochs; keeping every result");
      return results;
    }
    const fenced = new Set(stamped.filter((_, index) => !verdicts[index]).map((result) => result.playerId));
    for (const playerId of fenced) {
      this.services.log.warn({ roomId: this.roomId, playerId }, "round result rejected: a newer session owns the player");
    }
    return results.filter((result) => !fenced.has(result.playerId));
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
