// PM2 process file: `npm run cluster` starts it, `npm run cluster:stop` stops it.
//
// Colyseus rooms live in the memory of one process, and a WebSocket must reach the process
// that holds its room, so game nodes run in PM2 "fork" mode on consecutive ports (PORT,
// PORT+1, ...) rather than sharing one port in "cluster" mode. Each node announces its own
// PUBLIC_ADDRESS so clients connect straight to the node that holds their room.
import os from "node:os";

const basePort = Number(process.env.PORT ?? 2567);
// At least three game nodes by default, so that one can fail or restart while two keep serving.
const gameNodes = Number(process.env.GAME_NODES ?? Math.max(3, os.cpus().length));
const workerNodes = Number(process.env.WORKER_NODES ?? 1);
const publicHost = process.env.PUBLIC_HOST ?? "127.0.0.1";

/** Seconds PM2 waits after SIGTERM before SIGKILL: enough to save rounds and drain jobs. */
const killTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 20_000) + 10_000;

// Every node must sign and verify guest tokens with the same secret; npm run cluster creates
// one in .cluster-secret when JWT_SECRET is unset.
const sharedEnv = {
  NODE_ENV: process.env.NODE_ENV ?? "production",
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/orbit_arena",
  STORAGE_MODE: "external",
  JWT_SECRET: process.env.JWT_SECRET ?? "",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
};
if (process.env.ADMIN_PASSWORD) sharedEnv.ADMIN_PASSWORD = process.env.ADMIN_PASSWORD;

const gameApps = Array.from({ length: gameNodes }, (_, index) => {
  const port = basePort + index;
  return {
    name: `orbit-game-${index + 1}`,
    script: "src/server/main.ts",
    interpreter: "node",
    node_args: "--import tsx",
    exec_mode: "fork",
    instances: 1,
    wait_ready: true,
    listen_timeout: 30_000,
    kill_timeout: killTimeoutMs,
    max_memory_restart: "1G",
    time: true,
    env: { ...sharedEnv, PORT: String(port), PUBLIC_ADDRESS: `${publicHost}:${port}`, RUN_WORKER: "false" },
  };
});

const workerApps = Array.from({ length: workerNodes }, (_, index) => ({
  name: `orbit-worker-${index + 1}`,
  script: "src/jobs/worker-main.ts",
  interpreter: "node",
  node_args: "--import tsx",
  exec_mode: "fork",
  instances: 1,
  wait_ready: true,
  listen_timeout: 30_000,
  kill_timeout: killTimeoutMs,
  time: true,
  env: { ...sharedEnv, WORKER_PORT: String(basePort + 100 + index) },
}));

// PM2 7 reads an ES module process file through this named export.
const apps = [...gameApps, ...workerApps];
export { apps };
