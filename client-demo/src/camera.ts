/** Camera that centres the view on the own player and scales the field to the screen size. */
import { FIELD_SIZE } from "../../src/rooms/rules/constants.ts";
import type { Position } from "../../src/rooms/rules/movement.ts";

/** Field units that should fit across the shorter screen side at most zoom levels. */
const VIEW_SPAN = 900;
const MIN_ZOOM = 0.5;
const MAX_ZOOM = 1.25;

export interface Camera {
  centre: Position;
  /** Screen pixels (CSS) per field unit. */
  zoom: number;
  width: number;
  height: number;
}

export function createCamera(focus: Position | null, width: number, height: number): Camera {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.min(width, height) / VIEW_SPAN));
  const centre = focus ?? { x: FIELD_SIZE / 2, y: FIELD_SIZE / 2 };
  return { centre: { x: centre.x, y: centre.y }, zoom, width, height };
}

/** Field-space rectangle the camera shows, for culling what is off screen. */
export function visibleBounds(camera: Camera, margin: number): { left: number; top: number; right: number; bottom: number } {
  const halfWidth = camera.width / 2 / camera.zoom + margin;
  const halfHeight = camera.height / 2 / camera.zoom + margin;
  return {
    left: camera.centre.x - halfWidth,
    top: camera.centre.y - halfHeight,
    right: camera.centre.x + halfWidth,
    bottom: camera.centre.y + halfHeight,
  };
}

/** Sets the context transform so drawing in field units lands where the camera shows it. */
export function applyCamera(context: CanvasRenderingContext2D, camera: Camera, pixelRatio: number): void {
  const scale = camera.zoom * pixelRatio;
  context.setTransform(
    scale,
    0,
    0,
    scale,
    (camera.width / 2) * pixelRatio - camera.centre.x * scale,
    (camera.height / 2) * pixelRatio - camera.centre.y * scale,
  );
}
