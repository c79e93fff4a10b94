/**
 * Input pacing. The server applies at most one input per fixed step on average, so a client
 * cannot move faster by sending inputs faster, yet it may catch up a short burst after jitter.
 * Each step grants one credit up to MAX_INPUT_CREDIT; each applied input spends one.
 */
export const MAX_INPUT_CREDIT = 3;

export function grantCredit(credit: number): number {
  return Math.min(MAX_INPUT_CREDIT, credit + 1);
}

/**
 * Inputs a client may have waiting at the start of a step. Inputs pile up when a client's timer
 * runs fast or the room stalls, and the client would then stay that many steps behind for as
 * long as it sends at the tick rate. Older inputs beyond this number are skipped instead.
 */
export const MAX_QUEUED_INPUTS = 2;
