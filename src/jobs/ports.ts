import type { RoundResult } from "./round-result.ts";

/**
 * What rooms and the profile cache need from the job system, independent of the queue library.
 */
export interface JobProducer {
  /** Hands a finished round to durable processing; resolves once it is queued. */
  submitRound(result: RoundResult): Promise<void>;
  /** Schedules a write-behind flush of one profile; repeated calls coalesce. */
  scheduleFlush(playerId: string): void;
}
