import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Kernel clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/** CPU seconds (user + system) a process has used so far, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in field 2 may hold spaces and parentheses; fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Resident set size in MiB, or undefined when the process is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** One process's usage over the last sampling interval. */
export interface ProcessSample {
  pid: number;
  /** Cores used on average over the interval (1 = one core fully busy). */
  cores: number;
  rssMiB: number;
  alive: boolean;
}

/**
 * Samples the CPU and memory of a fixed set of processes. Each `sample()` reports the cores
 * used since the previous call, from the kernel's counters, not from the processes themselves.
 */
export class ProcessSampler {
  readonly #pids: number[];
  readonly #last = new Map<number, { cpu: number; at: number }>();

  constructor(pids: number[]) {
    this.#pids = pids;
    const now = performance.now();
    for (const pid of pids) this.#last.set(pid, { cpu: cpuSeconds(pid) ?? 0, at: now });
  }

  get pids(): number[] {
    return [...this.#pids];
  }

  sample(): ProcessSample[] {
    const now = performance.now();
    return this.#pids.map((pid) => {
      const cpu = cpuSeconds(pid);
      const previous = this.#last.get(pid) ?? { cpu: cpu ?? 0, at: now };
      if (cpu === undefined) return { pid, cores: 0, rssMiB: 0, alive: false };
      this.#last.set(pid, { cpu, at: now });
      const elapsed = (now - previous.at) / 1000;
      return { pid, cores: elapsed > 0 ? (cpu - previous.cpu) / elapsed : 0, rssMiB: rssMiB(pid) ?? 0, alive: true };
    });
  }
}

/** Busy CPU time of the whole machine so far, in seconds: every /proc/stat state except idle and iowait. */
function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / CLOCK_TICKS;
}

/**
 * Samples how busy the whole machine is, including processes this tool cannot see or name
 * (other users' test runs share the cores), so each result records the other load it ran beside.
 */
export class MachineSampler {
  #last = machineBusySeconds();
  #at = performance.now();

  /** Cores busy on average since the previous call. */
  sample(): number {
    const busy = machineBusySeconds();
    const now = performance.now();
    const elapsed = (now - this.#at) / 1000;
    const cores = elapsed > 0 ? (busy - this.#last) / elapsed : 0;
    this.#last = busy;
    this.#at = now;
    return cores;
  }
}
