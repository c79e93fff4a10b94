/** State of one dependency as `/healthz` reports it. */
export interface ComponentHealth {
  status: "up" | "down";
  /** Reason for the failure, when down. */
  error?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: "ok" | "down";
  redis: ComponentHealth;
  postgres: ComponentHealth;
  queue: ComponentHealth;
}

/** A named check that resolves with details when the dependency works and throws otherwise. */
export type HealthCheck = () => Promise<Record<string, unknown>>;

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: HealthCheck): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not respond within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    const details = await Promise.race([check(), timeout]);
    return { status: "up", ...details };
  } catch (error) {
    return { status: "down", error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the three checks in parallel; the report is "down" when any component is. */
export async function checkHealth(checks: { redis: HealthCheck; postgres: HealthCheck; queue: HealthCheck }): Promise<HealthReport> {
  const [redis, postgres, queue] = await Promise.all([runCheck(checks.redis), runCheck(checks.postgres), runCheck(checks.queue)]);
  const down = [redis, postgres, queue].some((component) => component.status === "down");
  return { status: down ? "down" : "ok", redis, postgres, queue };
}
