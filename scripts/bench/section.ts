/** One target from the brief and how the run measured against it. */
export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  met: boolean;
  /** By how much it is missed and what limits it, or why it is met. */
  note: string;
  /** Set when the measurement ran beside other load or lost clients, so the verdict is not to be trusted. */
  unreliable?: string;
}

/** A part of docs/benchmarks.md written by one scenario. */
export interface Section {
  title: string;
  markdown: string;
  targets: TargetResult[];
  /** Raw figures, saved beside the markdown as JSON. */
  data: unknown;
}

/** Builds a markdown table from a header row and body rows. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

export function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}
