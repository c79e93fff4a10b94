import { execFileSync } from "node:child_process";

/**
 * Names the server code the benchmark ran: the git commit, marked when src/ has uncommitted
 * changes. Outside a git checkout (e.g. a `git archive` export) BENCH_SRC_REVISION names it.
 */
export function describeRevision(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty === "" ? `commit ${commit}` : `commit ${commit} with uncommitted changes in src/`;
  } catch {
    return process.env.BENCH_SRC_REVISION ?? "unknown (not a git checkout; set BENCH_SRC_REVISION)";
  }
}
