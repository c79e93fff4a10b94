/**
 * Names of the latency distributions the bots record. Shared by the bot processes, the
 * aggregating parent and the reports, so a metric is spelled once.
 */
export const LATENCY_METRICS = [
  /** Input sent until a state frame shows it applied; every bot (see docs/benchmarks.md). */
  "inputRtt",
  /** The same, read from the decoded `lastSeq` of the player; sampled bots only. */
  "inputRttDecoded",
  /** The same, read from the TIMED ack of the frame; sampled bots only, to compare with the line above. */
  "inputRttAck",
  /** Time between two consecutive state patches of one client. */
  "patchInterval",
  /** Distance of a patch interval from the room's nominal 50 ms. */
  "patchJitter",
  /** `joinOrCreate`/`create`/`joinById` call until the room is joined (matchmaking + WebSocket). */
  "join",
  /** `POST /api/guest` round trip. */
  "guest",
  /** Chat sent until a client in the same room receives it (room channel). */
  "chatDelay",
  /**
   * Global chat sent until a client in any arena receives it: the sender's node publishes it on
   * Redis presence and every node broadcasts it. One sample per message and receiving client.
   */
  "globalChatDelay",
  /** The part of `globalChatDelay` whose receiver's room is on the sender's node. */
  "globalChatDelaySameNode",
  /** The part of `globalChatDelay` whose receiver's room is on another node than the sender's. */
  "globalChatDelayOtherNode",
  /**
   * Time from the first copy of a global message that one node sent into a bot process to each
   * copy from that node. It is the wait behind the other copies of the same broadcast, in the
   * node's sends and in the bot process (first-arrivals.ts).
   */
  "globalChatFanoutWait",
  /**
   * Inputs sent but not yet applied when a state frame arrives, in inputs rather than ms. About
   * one is normal (the input sent since the last step); more means inputs wait in the room's buffer.
   */
  "inputBacklog",
] as const;

export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** Unit of each distribution: every one is a duration except the backlog, which counts inputs. */
export function unitOf(metric: LatencyMetric): "ms" | "inputs" {
  return metric === "inputBacklog" ? "inputs" : "ms";
}

/** Monotonic counters every bot process keeps; the parent turns them into rates. */
export const COUNTERS = [
  "guests",
  "joins",
  "joinFailures",
  "rejoins",
  "inputsSent",
  "framesReceived",
  "bytesReceived",
  "chatsSent",
  "chatsReceived",
  /** The part of `chatsSent` sent to the global channel. */
  "globalChatsSent",
  /** Global chat messages received, each counted once per receiving client. */
  "globalChatsReceived",
  /** Global chat messages a client received again after the first time, which `globalChatsReceived` leaves out. */
  "globalChatDuplicates",
  /** RATE_LIMITED replies to chat: a bot chatted faster than the server's per-player limit. */
  "chatsRateLimited",
  "drops",
  "errors",
] as const;

export type Counter = (typeof COUNTERS)[number];
