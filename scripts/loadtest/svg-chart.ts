/** One line of a chart: points are [seconds, value]. */
export interface ChartLine {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

export interface ChartSpec {
  title: string;
  unit: string;
  lines: ChartLine[];
  /** Seconds range to shade as the measured window, if any. */
  window?: [number, number];
}

const WIDTH = 900;
const HEIGHT = 260;
const MARGIN = { left: 60, right: 20, top: 30, bottom: 40 };
const TICKS = 5;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Rounds the axis maximum up to 1, 2, 2.5 or 5 times a power of ten, so tick labels are round numbers. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 2.5, 5, 10];
  const step = steps.find((candidate) => candidate * magnitude >= value) ?? 10;
  return step * magnitude;
}

/** Renders a line chart as inline SVG with no scripts or external resources. */
export function svgLineChart(spec: ChartSpec): string {
  const all = spec.lines.flatMap((line) => line.points);
  const maxT = Math.max(1, ...all.map(([t]) => t));
  const maxY = niceMax(Math.max(0, ...all.map(([, value]) => value)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (t: number) => MARGIN.left + (t / maxT) * plotW;
  const y = (value: number) => MARGIN.top + plotH - (value / maxY) * plotH;

  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`];
  parts.push(`<text x="${MARGIN.left}" y="18" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`);
  if (spec.window) {
    const [from, to] = spec.window;
    parts.push(`<rect x="${x(from)}" y="${MARGIN.top}" width="${Math.max(0, x(to) - x(from))}" height="${plotH}" fill="#eef5ff"/>`);
  }
  for (let tick = 0; tick <= TICKS; tick += 1) {
    const value = (maxY * tick) / TICKS;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${Number(value.toPrecision(3))}</text>`);
    const t = (maxT * tick) / TICKS;
    parts.push(`<text x="${x(t)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${Math.round(t)}s</text>`);
  }
  parts.push(`<text x="14" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})" text-anchor="middle">${escapeXml(spec.unit)}</text>`);
  spec.lines.forEach((line, index) => {
    const path = line.points.map(([t, value]) => `${x(t).toFixed(1)},${y(value).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.8" points="${path}"/>`);
    const legendX = MARGIN.left + 220 + index * 160;
    parts.push(`<rect x="${legendX}" y="9" width="12" height="12" fill="${line.color}"/>`);
    parts.push(`<text x="${legendX + 16}" y="19">${escapeXml(line.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
