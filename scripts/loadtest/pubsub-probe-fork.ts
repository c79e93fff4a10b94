import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { PubSubProbeConfig, PubSubProbeResult } from "./pubsub-probe.ts";

const CHILD_ENTRY = fileURLToPath(new URL("./pubsub-probe-process.ts", import.meta.url));
/** Time the child gets to connect to Redis, and to send its result after `stop`. */
const REPLY_TIMEOUT_MS = 15_000;

export type ProbeParentMessage =
  | { type: "connect"; config: PubSubProbeConfig; maxRunMs: number }
  | { type: "start" }
  | { type: "stop" };

export type ProbeChildMessage = { type: "connected" } | { type: "failed"; error: string } | { type: "result"; result: PubSubProbeResult };

/**
 * A PubSubProbe in a forked process: `connect` resolves once it is subscribed, `start` begins
 * publishing, and `stop` returns its figures. The child stops by itself after `maxRunMs`, and it
 * is killed (by its pid) when it does not respond within REPLY_TIMEOUT_MS.
 */
export class PubSubProbeProcess {
  readonly #child: ChildProcess;
  readonly #messages: ProbeChildMessage[] = [];
  readonly #exited: Promise<unknown>;

  constructor() {
    this.#child = fork(CHILD_ENTRY, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.#child.on("message", (message: ProbeChildMessage) => this.#messages.push(message));
    this.#exited = once(this.#child, "exit");
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async connect(config: PubSubProbeConfig, maxRunMs: number): Promise<void> {
    this.#send({ type: "connect", config, maxRunMs });
    const reply = await this.#reply((message) => message.type === "connected" || message.type === "failed");
    if (reply.type === "failed") throw new Error(`pub/sub probe could not connect: ${reply.error}`);
  }

  start(): void {
    this.#send({ type: "start" });
  }

  async stop(): Promise<PubSubProbeResult> {
    this.#send({ type: "stop" });
    const reply = await this.#reply((message) => message.type === "result");
    if (reply.type !== "result") throw new Error("pub/sub probe sent no result");
    return reply.result;
  }

  /** Ends the child if it is still running, e.g. after a failed scenario. */
  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill("SIGKILL");
    await this.#exited;
  }

  #send(message: ProbeParentMessage): void {
    if (this.#child.connected) this.#child.send(message);
  }

  async #reply(match: (message: ProbeChildMessage) => boolean): Promise<ProbeChildMessage> {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const found = this.#messages.find(match);
      if (found) return found;
      if (Date.now() > deadline || this.#child.exitCode !== null) {
        await this.kill();
        throw new Error(`pub/sub probe process did not respond within ${REPLY_TIMEOUT_MS} ms; is Redis reachable?`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
