/**
 * Per-player look derived from the player id, so everyone sees the same player in the same
 * colour and shape. The shape keeps players apart for colour-blind players and in greyscale.
 */

export type PlayerShape = "circle" | "square" | "triangle" | "diamond" | "hexagon" | "star";

export interface PlayerStyle {
  fill: string;
  outline: string;
  shape: PlayerShape;
}

const SHAPES: readonly PlayerShape[] = ["circle", "square", "triangle", "diamond", "hexagon", "star"];
/** Hues spaced apart and away from the orb colours (gold and violet). */
const HUES: readonly number[] = [0, 25, 90, 140, 175, 200, 220, 320, 345];

const cache = new Map<string, PlayerStyle>();

/** FNV-1a, a small stable string hash; the exact function only has to match across clients of one build. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function styleForPlayer(playerId: string): PlayerStyle {
  const cached = cache.get(playerId);
  if (cached !== undefined) {
    return cached;
  }
  const hash = hashString(playerId);
  const hue = HUES[hash % HUES.length] ?? 0;
  const style: PlayerStyle = {
    fill: `hsl(${hue} 75% 58%)`,
    outline: `hsl(${hue} 80% 22%)`,
    shape: SHAPES[Math.floor(hash / HUES.length) % SHAPES.length] ?? "circle",
  };
  cache.set(playerId, style);
  return style;
}

/** Adds the outline path of `shape`, centred on (x, y) with the given radius, to the current path. */
export function tracePlayerShape(context: CanvasRenderingContext2D, shape: PlayerShape, x: number, y: number, radius: number): void {
  switch (shape) {
    case "circle":
      context.arc(x, y, radius, 0, Math.PI * 2);
      return;
    case "square":
      context.rect(x - radius * 0.88, y - radius * 0.88, radius * 1.76, radius * 1.76);
      return;
    case "triangle":
      tracePolygon(context, x, y + radius * 0.15, radius * 1.15, 3, -Math.PI / 2);
      return;
    case "diamond":
      tracePolygon(context, x, y, radius * 1.1, 4, -Math.PI / 2);
      return;
    case "hexagon":
      tracePolygon(context, x, y, radius, 6, 0);
      return;
    case "star":
      traceStar(context, x, y, radius * 1.15, radius * 0.6, 5);
      return;
  }
}

function tracePolygon(context: CanvasRenderingContext2D, x: number, y: number, radius: number, sides: number, rotation: number): void {
  for (let index = 0; index < sides; index += 1) {
    const angle = rotation + (index * Math.PI * 2) / sides;
    const pointX = x + Math.cos(angle) * radius;
    const pointY = y + Math.sin(angle) * radius;
    if (index === 0) {
      context.moveTo(pointX, pointY);
    } else {
      context.lineTo(pointX, pointY);
    }
  }
  context.closePath();
}

export function traceStar(context: CanvasRenderingContext2D, x: number, y: number, outer: number, inner: number, points: number): void {
  for (let index = 0; index < points * 2; index += 1) {
    const radius = index % 2 === 0 ? outer : inner;
    const angle = -Math.PI / 2 + (index * Math.PI) / points;
    const pointX = x + Math.cos(angle) * radius;
    const pointY = y + Math.sin(angle) * radius;
    if (index === 0) {
      context.moveTo(pointX, pointY);
    } else {
      context.lineTo(pointX, pointY);
    }
  }
  context.closePath();
}
