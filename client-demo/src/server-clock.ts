/**
 * The server's clock as seen from the browser. Round deadlines in the state are server epoch
 * milliseconds. Comparing them with the browser's Date.now() would show a wrong countdown on
 * any device whose clock is off, so timers read this clock instead.
 */

export class ServerClock {
  /** Server time minus browser time when the welcome arrived, before the latency correction. */
  private rawOffset = 0;
  private roundTripMs = 0;
  private synced = false;

  /** Takes the server time from the `welcome` message, received at browser time `receivedAt`. */
  sync(serverNow: number, receivedAt: number): void {
    this.rawOffset = serverNow - receivedAt;
    this.synced = true;
  }

  /**
   * The welcome left the server about half a round trip before it arrived, so the offset grows
   * by that much. Later pings refine the estimate without a new welcome.
   */
  setRoundTrip(milliseconds: number): void {
    this.roundTripMs = Math.max(0, milliseconds);
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** Milliseconds to add to the browser clock to get the server clock. */
  get offset(): number {
    return this.synced ? this.rawOffset + this.roundTripMs / 2 : 0;
  }

  /** The current server time, estimated from the browser clock. */
  now(browserNow: number = Date.now()): number {
    return browserNow + this.offset;
  }
}
