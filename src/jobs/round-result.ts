import { z } from "zod";

/** One player's result in a finished round. */
export const PlayerResultSchema = z.object({
  playerId: z.string().min(1).max(64),
  name: z.string().max(64),
  score: z.number().int().min(0).max(1_000_000),
  /** Fencing epoch of the session that earned the score; checked when the round is submitted. */
  epoch: z.number().int().nonnegative().optional(),
});

/** A finished round as the room hands it to the `scores` queue: one job per round. */
export const RoundResultSchema = z.object({
  roomId: z.string().min(1).max(64),
  /** Unique per round across all rooms and restarts (a UUID). */
  roundId: z.string().uuid(),
  round: z.number().int().positive(),
  finishedAt: z.number().int().positive(),
  results: z.array(PlayerResultSchema).max(256),
});
export type RoundResult = z.infer<typeof RoundResultSchema>;
export type PlayerResult = z.infer<typeof PlayerResultSchema>;

/** Job data of the `profiles` queue: which profile to write behind. */
export const FlushRequestSchema = z.object({ playerId: z.string().min(1).max(64) });
export type FlushRequest = z.infer<typeof FlushRequestSchema>;
