/**
 * Send times of one session's inputs, by input number. A ring is enough: an input older than
 * the ring has been waiting for its acknowledgement far longer than any latency we report,
 * and is counted as lost instead.
 */
const RING_SIZE = 256;

export class SendLog {
  readonly #times = new Float64Array(RING_SIZE);
  #lastSeq = 0;

  get lastSeq(): number {
    return this.#lastSeq;
  }

  record(seq: number, atMs: number): void {
    this.#times[seq % RING_SIZE] = atMs;
    this.#lastSeq = seq;
  }

  /** Send time of input `seq`, or undefined when it was never sent or has left the ring. */
  sentAt(seq: number): number | undefined {
    if (seq <= 0 || seq > this.#lastSeq || this.#lastSeq - seq >= RING_SIZE) return undefined;
    return this.#times[seq % RING_SIZE];
  }
}

/**
 * Turns "the server has applied every input up to n" into one round-trip sample per newly
 * covered input, as in the definition: input n is acknowledged by the first state frame that
 * shows `>= n`, so a frame covering three new inputs yields three samples.
 */
export class AckCursor {
  readonly #log: SendLog;
  #acked = 0;
  /** Inputs acknowledged after they left the send log; reported so a backlog cannot hide. */
  lost = 0;

  constructor(log: SendLog) {
    this.#log = log;
  }

  advance(upTo: number, nowMs: number, sample: (ms: number) => void): void {
    const last = Math.min(upTo, this.#log.lastSeq);
    for (let seq = this.#acked + 1; seq <= last; seq += 1) {
      const sentAt = this.#log.sentAt(seq);
      if (sentAt === undefined) this.lost += 1;
      else sample(nowMs - sentAt);
    }
    if (last > this.#acked) this.#acked = last;
  }
}
