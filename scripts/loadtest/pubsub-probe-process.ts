/**
 * Entry point of the process that runs a PubSubProbe, forked by `PubSubProbeProcess`. A process
 * of its own keeps the parent's work (merging the bots' reports) out of the baseline's delays.
 */
import { PubSubProbe } from "./pubsub-probe.ts";
import type { ProbeChildMessage, ProbeParentMessage } from "./pubsub-probe-fork.ts";

function send(message: ProbeChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

let probe: PubSubProbe | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping || !probe) return;
  stopping = true;
  await send({ type: "result", result: await probe.stop() });
  process.disconnect?.();
  process.exit(0);
}

process.on("message", (message: ProbeParentMessage) => {
  if (message.type === "connect" && !probe) {
    const current = new PubSubProbe(message.config);
    probe = current;
    setTimeout(() => void stop(), message.maxRunMs).unref();
    current.connect().then(
      () => send({ type: "connected" }),
      (error: unknown) => send({ type: "failed", error: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === "start") {
    probe?.start();
  } else if (message.type === "stop") {
    void stop();
  }
});

// A parent that dies leaves no probe behind.
process.on("disconnect", () => {
  if (!stopping) process.exit(1);
});
