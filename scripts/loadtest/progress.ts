import type { SeriesRow } from "./aggregator.ts";

/** Seconds between plain progress lines when the output is not a terminal. */
const PLAIN_EVERY_SECONDS = 5;

function compact(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : String(value);
}

export function progressLine(row: SeriesRow, target: number): string {
  const phase = row.inWindow ? "measure" : "ramp";
  return (
    `[${row.t.toFixed(0).padStart(4)}s ${phase.padEnd(7)}] connected ${row.connected}/${target} joining ${row.joining} failed ${row.joinFailures}` +
    ` | msg/s out ${compact(row.inputsPerSecond)} in ${compact(row.framesPerSecond)}` +
    ` | rtt p50 ${row.rttP50.toFixed(1)} p99 ${row.rttP99.toFixed(1)} ms` +
    // Shown only in seconds that received global chat, so runs without it keep their line.
    (row.globalChatP99 > 0 ? ` | global chat p50 ${row.globalChatP50.toFixed(1)} p99 ${row.globalChatP99.toFixed(1)} ms` : "") +
    ` | server ${row.serverCores.toFixed(2)} cores ${row.serverRssMiB} MiB | bots ${row.botCores.toFixed(2)} | other ${row.otherCores.toFixed(2)} cores | errors ${row.errors}`
  );
}

/**
 * Shows the live line: rewritten in place once per second on a terminal, a plain line every
 * few seconds otherwise (logs and CI keep every line they are given).
 */
export class ProgressPrinter {
  readonly #tty = process.stdout.isTTY === true;
  readonly #target: number;
  #lastPlainAt = Number.NEGATIVE_INFINITY;
  #live = false;

  constructor(target: number) {
    this.#target = target;
  }

  show(row: SeriesRow): void {
    const text = progressLine(row, this.#target);
    if (this.#tty) {
      process.stdout.write(`\r\x1b[2K${text.slice(0, (process.stdout.columns ?? 200) - 1)}`);
      this.#live = true;
    } else if (row.t - this.#lastPlainAt >= PLAIN_EVERY_SECONDS) {
      this.#lastPlainAt = row.t;
      console.log(text);
    }
  }

  /** Ends the live line so later output starts on a fresh line. */
  done(): void {
    if (this.#live) process.stdout.write("\n");
    this.#live = false;
  }
}
