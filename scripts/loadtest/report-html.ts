import { LATENCY_METRICS, unitOf } from "./metric-names.ts";
import type { LoadTestSummary } from "./summary.ts";
import { svgLineChart } from "./svg-chart.ts";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function latencyTable(summary: LoadTestSummary): string {
  const rows = LATENCY_METRICS.map((name) => {
    const p = summary.latency[name];
    return `<tr><td>${name} (${unitOf(name)})</td><td>${p.count}</td><td>${p.p50}</td><td>${p.p95}</td><td>${p.p99}</td><td>${p.p999}</td><td>${p.max}</td></tr>`;
  });
  return `<table><tr><th>metric</th><th>samples</th><th>p50</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>${rows.join("")}</table>`;
}

/** Renders a self-contained HTML page (inline SVG, no scripts) with the run's charts and percentiles. */
export function renderHtmlReport(summary: LoadTestSummary): string {
  const rows = summary.series;
  const windowRows = rows.filter((row) => row.inWindow);
  const window: [number, number] | undefined =
    windowRows.length > 0 ? [windowRows[0]!.t, windowRows[windowRows.length - 1]!.t] : undefined;
  const points = (pick: (row: (typeof rows)[number]) => number) => rows.map((row): [number, number] => [row.t, pick(row)]);

  const globalChatChart =
    summary.latency.globalChatDelay.count > 0
      ? [
          svgLineChart({
            title: "Global chat delay per second",
            unit: "ms",
            window,
            lines: [
              { name: "p50", color: "#1f77b4", points: points((row) => row.globalChatP50) },
              { name: "p99", color: "#d62728", points: points((row) => row.globalChatP99) },
            ],
          }),
        ]
      : [];
  const charts = [
    svgLineChart({
      title: "Input round trip per second",
      unit: "ms",
      window,
      lines: [
        { name: "p50", color: "#1f77b4", points: points((row) => row.rttP50) },
        { name: "p99", color: "#d62728", points: points((row) => row.rttP99) },
      ],
    }),
    ...globalChatChart,
    svgLineChart({
      title: "Connected clients",
      unit: "clients",
      window,
      lines: [
        { name: "connected", color: "#2ca02c", points: points((row) => row.connected) },
        { name: "joining", color: "#ff7f0e", points: points((row) => row.joining) },
      ],
    }),
    svgLineChart({
      title: "CPU",
      unit: "cores",
      window,
      lines: [
        { name: "server", color: "#9467bd", points: points((row) => row.serverCores) },
        { name: "bots", color: "#8c564b", points: points((row) => row.botCores) },
        { name: "other load", color: "#7f7f7f", points: points((row) => row.otherCores) },
      ],
    }),
  ];
  const { clients, server } = summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Orbit Arena load test ${escapeHtml(summary.startedAt)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>Orbit Arena load test</h1>
<p>${escapeHtml(summary.startedAt)}: ${clients.target} clients against ${escapeHtml(summary.options.endpoint)}, ramp ${summary.rampSeconds}s, measured ${summary.windowSeconds}s (shaded).
Connected avg ${clients.avgConnected} in ${clients.rooms} rooms; join failures ${clients.joinFailures}, drops ${clients.drops}, errors ${clients.errors}.
Server ${server.cores} cores, ${server.coresPer1000Clients} cores per 1,000 clients, ${server.rssMiBPer1000Clients} MiB RSS per 1,000 clients.</p>
${latencyTable(summary)}
${charts.join("\n")}
</body></html>
`;
}
