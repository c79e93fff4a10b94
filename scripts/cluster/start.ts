/**
 * `npm run cluster`: builds the browser client, starts the PM2 process file (game nodes and job
 * workers) with the project's own PM2, waits until every process reported ready, and prints
 * where to open the game. `npm run cluster:stop` stops it.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { apps } from "../../ecosystem.config.js";
import { pm2Binary } from "./pm2.ts";

const SECRET_FILE = ".cluster-secret";

/** JWT_SECRET for every node: the environment's, or one kept in .cluster-secret across restarts. */
function clusterSecret(): string {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  if (existsSync(SECRET_FILE)) return readFileSync(SECRET_FILE, "utf8").trim();
  const secret = randomBytes(32).toString("hex");
  writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function main(): void {
  execFileSync("npm", ["run", "build:client", "--silent"], { stdio: "inherit" });

  const env = { ...process.env, JWT_SECRET: clusterSecret() };
  execFileSync(process.execPath, [pm2Binary(), "start", "ecosystem.config.js", "--update-env"], { stdio: "inherit", env });

  const gameNodes = apps.filter((app) => app.name.startsWith("orbit-game-"));
  const workers = apps.filter((app) => app.name.startsWith("orbit-worker-"));
  console.log("\nOrbit Arena cluster is running:");
  for (const app of gameNodes) console.log(`  ${app.name}: http://${app.env.PUBLIC_ADDRESS}  (open any of these to play)`);
  for (const app of workers) console.log(`  ${app.name}: metrics and health on port ${app.env.WORKER_PORT}`);
  console.log("\nLogs: npx pm2 logs    Status: npx pm2 ls    Rolling restart: npx pm2 reload ecosystem.config.js    Stop: npm run cluster:stop");
}

main();
