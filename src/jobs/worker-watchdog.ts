import type { Logger } from "../logger.ts";

/** A worker, as the watchdog inspects it. */
export interface WatchedWorker {
  queue: string;
  /** Jobs that are ready to run (waiting, or delayed and due) and jobs running now. */
  backlog(): Promise<{ ready: number; active: number; paused: boolean }>;
  /** Time (ms) of the worker's last started, completed or failed job, or of its creation. */
  lastActivityAt(): number;
  /** Closes the worker and starts a fresh one on a new connection. */
  recreate(reason: string): Promise<void>;
}

/**
 * Guards against a known BullMQ failure mode: after Redis restarts or a connection is cut, a
 * worker can report that it runs while it never takes a job again. When a queue has jobs ready,
 * none active, and its worker started or finished nothing for `idleMs`, the worker is closed and
 * recreated. A queue parked for a store outage is not affected: its jobs sit in the delayed set
 * until due, and a due job that fails again counts as activity.
 * Returns a function that stops the watchdog.
 */
export function startWorkerWatchdog(workers: () => WatchedWorker[], idleMs: number, log: Logger): () => void {
  if (idleMs <= 0) return () => undefined;
  let running = false;
  const stuckSince = new Map<string, number>();
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void checkAll(workers(), idleMs, stuckSince, log).finally(() => {
      running = false;
    });
  }, Math.max(500, Math.floor(idleMs / 4)));
  timer.unref();
  log.info({ idleMs }, "job worker watchdog started");
  return () => clearInterval(timer);
}

async function checkAll(workers: WatchedWorker[], idleMs: number, stuckSince: Map<string, number>, log: Logger): Promise<void> {
  for (const worker of workers) {
    try {
      await checkOne(worker, idleMs, stuckSince, log);
    } catch (error) {
      // Redis is probably unreachable; the worker cannot do better until it is back.
      log.debug({ queue: worker.queue, err: (error as Error).message }, "worker watchdog could not read the queue");
    }
  }
}

/**
 * A worker counts as stuck once jobs have been ready, with none active and no activity, for a
 * whole `idleMs`: a job that arrives while the worker idles is taken within moments, and must
 * not look like a stuck worker to a check that happens to run first.
 */
async function checkOne(worker: WatchedWorker, idleMs: number, stuckSince: Map<string, number>, log: Logger): Promise<void> {
  const now = Date.now();
  const { ready, active, paused } = await worker.backlog();
  const stuck = !paused && ready > 0 && active === 0 && now - worker.lastActivityAt() >= idleMs;
  if (!stuck) {
    stuckSince.delete(worker.queue);
    return;
  }
  const since = stuckSince.get(worker.queue) ?? now;
  stuckSince.set(worker.queue, since);
  if (now - since < idleMs || worker.lastActivityAt() > since) return;
  stuckSince.delete(worker.queue);
  log.warn({ queue: worker.queue, ready, stuckMs: now - since }, "job worker took no job although jobs are ready; recreating it");
  await worker.recreate(`${ready} jobs ready and none taken for ${now - since} ms`);
}
