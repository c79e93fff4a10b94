/**
 * Vitest global setup of the browser suite: builds the client once, because every game server
 * the tests start serves the files of client-demo/dist.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM_PATH } from "./browser.ts";
import { REPOSITORY_ROOT } from "./paths.ts";

export default function setup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing; install Debian's chromium (apt-get install -y chromium) to run the browser tests`);
  }
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const build = spawnSync(npm, ["run", "build:client", "--silent"], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
  if (build.status !== 0) {
    throw new Error(`npm run build:client failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  }
}
