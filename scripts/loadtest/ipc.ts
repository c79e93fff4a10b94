import type { BotSettings } from "./bot.ts";
import type { ProcessReport } from "./bot-metrics.ts";
import type { FillPolicy } from "./fill-policy.ts";

/** Work the parent hands to one bot process. */
export interface BotProcessConfig {
  processIndex: number;
  /** Global index of this process's first bot; bot names and room groups derive from it. */
  firstBotIndex: number;
  botCount: number;
  /** Bots this process starts per second during the ramp. */
  rampPerSecond: number;
  /** Every n-th bot (by global index) decodes the full state; the others stay lean. */
  sampleEvery: number;
  fill: FillPolicy;
  settings: BotSettings;
  /** Run time after which the process stops by itself, even without a `stop` message. */
  maxRunMs: number;
}

export type ParentMessage = { type: "start"; config: BotProcessConfig } | { type: "stop" };

export type ChildMessage = { type: "report"; report: ProcessReport } | { type: "stopped" };
