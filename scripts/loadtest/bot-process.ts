/**
 * Entry point of one bot process, forked by the load test's parent. It receives its share of
 * the bots over IPC, reports once per second and exits after `stop` or its own deadline.
 */
import { BotPool } from "./bot-pool.ts";
import type { ChildMessage, ParentMessage } from "./ipc.ts";

const REPORT_INTERVAL_MS = 1000;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

let pool: BotPool | undefined;
let reporter: NodeJS.Timeout | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping || !pool) return;
  stopping = true;
  clearInterval(reporter);
  await pool.stop();
  await send({ type: "report", report: pool.report() });
  await send({ type: "stopped" });
  process.disconnect?.();
  process.exit(0);
}

process.on("message", (message: ParentMessage) => {
  if (message.type === "start" && !pool) {
    pool = new BotPool(message.config);
    pool.start();
    const current = pool;
    reporter = setInterval(() => void send({ type: "report", report: current.report() }), REPORT_INTERVAL_MS);
    setTimeout(() => void stop(), message.config.maxRunMs).unref();
  } else if (message.type === "stop") {
    void stop();
  }
});

// A parent that dies leaves no orphan bots behind.
process.on("disconnect", () => {
  if (!stopping) process.exit(1);
});
