import { readFileSync, writeFileSync } from "node:fs";

/** One row of the chaos table. */
export interface ScenarioResult {
  id: string;
  scenario: string;
  /** The fault injected. */
  action: string;
  /** Counts found, with the numbers. */
  counted: string;
  /** Amount lost, in the unit of `bound`. */
  loss: number;
  bound: number;
  unit: string;
  /** Time from the end of the fault until everything was stored again, in ms; undefined when not applicable. */
  recoveryMs: number | undefined;
  /** Extra checks that passed or failed (e.g. "/healthz 503 during outage"). */
  checks: Array<{ what: string; ok: boolean }>;
}

export function passed(result: ScenarioResult): boolean {
  return result.loss <= result.bound && result.checks.every((check) => check.ok);
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "n/a" : `${(ms / 1000).toFixed(1)} s`;
}

function escape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Renders the results as a Markdown table, one row per scenario. */
export function markdownTable(results: readonly ScenarioResult[]): string {
  const lines = [
    "| # | scenario | what was done | what was counted | loss | bound | recovery | result |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const result of results) {
    const failedChecks = result.checks.filter((check) => !check.ok).map((check) => check.what);
    const verdict = passed(result) ? "pass" : `FAIL${failedChecks.length > 0 ? ` (${failedChecks.join("; ")})` : ""}`;
    const checks = result.checks.length > 0 ? ` Checks: ${result.checks.map((check) => `${check.what} ${check.ok ? "✓" : "✗"}`).join(", ")}.` : "";
    lines.push(
      `| ${result.id} | ${escape(result.scenario)} | ${escape(result.action)} | ${escape(result.counted + checks)} | ${result.loss} ${result.unit} | ${result.bound} ${result.unit} | ${seconds(result.recoveryMs)} | ${escape(verdict)} |`,
    );
  }
  return lines.join("\n");
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` in `file`. */
export function replaceSection(file: string, name: string, content: string): void {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(file, "utf8");
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${begin} ... ${end} section`);
  writeFileSync(file, `${text.slice(0, from + begin.length)}\n${content}\n${text.slice(to)}`);
}
