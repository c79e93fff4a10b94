/**
 * Reports a transport that failed to listen. Colyseus's `Server.listen` resolves even when
 * uWebSockets.js could not bind its port. With the ws transport an EADDRINUSE arrives as an
 * `error` event that `Server.listen` does not wait for. So neither case fails the start alone.
 */
export class ListenGuard {
  /** Rejects with the reason once the transport reports that it could not listen. */
  readonly failed: Promise<never>;
  #reject!: (error: Error) => void;

  constructor(private readonly address: { host: string | undefined; port: number }) {
    this.failed = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    // A start that succeeded never awaits this promise again.
    this.failed.catch(() => undefined);
  }

  fail(reason: string): void {
    const { host, port } = this.address;
    this.#reject(new Error(`could not listen on ${host ?? "all interfaces"}:${port}: ${reason}; set PORT to a free port or HOST to an address of this machine`));
  }
}
