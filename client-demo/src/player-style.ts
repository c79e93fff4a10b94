/**
 * Per-player look: a colour and a shape. Shapes keep players apart for colour-blind players and
 * in greyscale, and no two players in the room share both colour and shape.
 */

export type PlayerShape = "circle" | "square" | "triangle" | "diamond" | "hexagon" | "star";

export interface PlayerStyle {
  fill: string;
  outline: string;
  shape: PlayerShape;
}

const SHAPES: readonly PlayerShape[] = ["circle", "square", "triangle", "diamond", "hexagon", "star"];
/** Hues spread around the wheel, skipping the orb colours (gold and violet). */
const HUES: readonly number[] = [0, 28, 100, 150, 180, 205, 235, 305, 335];
/** Style i uses hue i mod 9 and shape i mod 6, so the first 18 styles differ pairwise (lcm of 9 and 6). */
const STYLE_COUNT = 18;

function styleAt(index: number): PlayerStyle {
  const hue = HUES[index % HUES.length] ?? 0;
  return {
    fill: `hsl(${hue} 75% 58%)`,
    outline: `hsl(${hue} 80% 22%)`,
    shape: SHAPES[index % SHAPES.length] ?? "circle",
  };
}

/** FNV-1a, a small stable string hash, so a player usually keeps the same look on every client. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Assigns styles to the players present. Each player starts from the style its id hashes to and
 * moves to the next free one on a clash. With more than 18 players, styles repeat.
 */
export class PlayerStyles {
  private readonly indexByPlayer = new Map<string, number>();

  update(playerIds: Iterable<string>): void {
    const present = new Set(playerIds);
    for (const playerId of this.indexByPlayer.keys()) {
      if (!present.has(playerId)) {
        this.indexByPlayer.delete(playerId);
      }
    }
    const used = new Set(this.indexByPlayer.values());
    for (const playerId of present) {
      if (this.indexByPlayer.has(playerId)) {
        continue;
      }
      let index = hashString(playerId) % STYLE_COUNT;
      for (let tries = 0; tries < STYLE_COUNT && used.has(index); tries += 1) {
        index = (index + 1) % STYLE_COUNT;
      }
      used.add(index);
      this.indexByPlayer.set(playerId, index);
    }
  }

  styleFor(playerId: string): PlayerStyle {
    return styleAt(this.indexByPlayer.get(playerId) ?? hashString(playerId) % STYLE_COUNT);
  }
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
