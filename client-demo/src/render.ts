/**
 * Canvas renderer: draws one frame of the arena (grid, field border, orbs, players and names)
 * from plain view objects, so it never touches network state directly.
 */
import { FIELD_SIZE, ORB_RADIUS, PLAYER_RADIUS, RARE_ORB_VALUE } from "../../src/rooms/rules/constants.ts";
import type { Position } from "../../src/rooms/rules/movement.ts";
import { applyCamera, createCamera, visibleBounds, type Camera } from "./camera.ts";
import { tracePlayerShape, traceStar, type PlayerStyle } from "./player-style.ts";

export interface PlayerView {
  key: string;
  playerId: string;
  name: string;
  x: number;
  y: number;
  score: number;
  connected: boolean;
  isSelf: boolean;
  style: PlayerStyle;
}

export interface OrbView {
  x: number;
  y: number;
  value: number;
}

export interface FrameView {
  focus: Position | null;
  players: PlayerView[];
  orbs: OrbView[];
  /** Translated labels drawn on the canvas. */
  labels: { you: string; away: string };
}

const GRID_STEP = 100;
const LABEL_FONT = "600 13px system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

export class Renderer {
  private readonly context: CanvasRenderingContext2D;
  private pixelRatio = 1;
  private width = 0;
  private height = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext("2d");
    if (context === null) {
      throw new Error("Canvas 2D rendering is not supported by this browser.");
    }
    this.context = context;
  }

  draw(frame: FrameView, now: number): void {
    this.resizeToDisplay();
    const camera = createCamera(frame.focus, this.width, this.height);
    const context = this.context;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = "#0b1020";
    context.fillRect(0, 0, this.canvas.width, this.canvas.height);

    applyCamera(context, camera, this.pixelRatio);
    this.drawField(camera);
    for (const orb of frame.orbs) {
      drawOrb(context, orb, now);
    }
    const ordered = [...frame.players].sort((a, b) => Number(a.isSelf) - Number(b.isSelf));
    for (const player of ordered) {
      drawPlayer(context, player, camera.zoom);
    }
    for (const player of ordered) {
      drawPlayerLabel(context, player, camera.zoom, frame.labels);
    }
  }

  /** Matches the canvas backing store to its CSS size and the device pixel ratio, for sharp lines. */
  private resizeToDisplay(): void {
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === this.width && height === this.height && ratio === this.pixelRatio) {
      return;
    }
    this.width = width;
    this.height = height;
    this.pixelRatio = ratio;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
  }

  private drawField(camera: Camera): void {
    const context = this.context;
    context.fillStyle = "#131a33";
    context.fillRect(0, 0, FIELD_SIZE, FIELD_SIZE);
    this.drawGrid(camera);
    context.strokeStyle = "#e6ecff";
    context.lineWidth = 6;
    context.strokeRect(0, 0, FIELD_SIZE, FIELD_SIZE);
  }

  private drawGrid(camera: Camera): void {
    const context = this.context;
    const bounds = visibleBounds(camera, 0);
    const left = Math.max(0, Math.floor(bounds.left / GRID_STEP) * GRID_STEP);
    const top = Math.max(0, Math.floor(bounds.top / GRID_STEP) * GRID_STEP);
    const right = Math.min(FIELD_SIZE, bounds.right);
    const bottom = Math.min(FIELD_SIZE, bounds.bottom);
    context.beginPath();
    for (let x = left; x <= right; x += GRID_STEP) {
      context.moveTo(x, Math.max(0, bounds.top));
      context.lineTo(x, bottom);
    }
    for (let y = top; y <= bottom; y += GRID_STEP) {
      context.moveTo(Math.max(0, bounds.left), y);
      context.lineTo(right, y);
    }
    context.strokeStyle = "rgba(140, 160, 220, 0.12)";
    context.lineWidth = 1 / camera.zoom;
    context.stroke();
  }
}

function drawOrb(context: CanvasRenderingContext2D, orb: OrbView, now: number): void {
  if (orb.value >= RARE_ORB_VALUE) {
    drawRareOrb(context, orb, now);
    return;
  }
  context.beginPath();
  context.arc(orb.x, orb.y, ORB_RADIUS, 0, Math.PI * 2);
  context.fillStyle = "#ffd34d";
  context.fill();
  context.lineWidth = 2;
  context.strokeStyle = "#8a6300";
  context.stroke();
}

/** Rare orbs are violet stars with a pulsing halo, so they differ in colour, shape and motion. */
function drawRareOrb(context: CanvasRenderingContext2D, orb: OrbView, now: number): void {
  const pulse = 0.5 + 0.5 * Math.sin(now / 250);
  context.beginPath();
  context.arc(orb.x, orb.y, ORB_RADIUS * (1.8 + pulse * 0.5), 0, Math.PI * 2);
  context.fillStyle = `rgba(190, 120, 255, ${0.18 + pulse * 0.15})`;
  context.fill();
  context.beginPath();
  traceStar(context, orb.x, orb.y, ORB_RADIUS * 1.5, ORB_RADIUS * 0.7, 5);
  context.fillStyle = "#c58bff";
  context.fill();
  context.lineWidth = 2;
  context.strokeStyle = "#ffffff";
  context.stroke();
}

function drawPlayer(context: CanvasRenderingContext2D, player: PlayerView, zoom: number): void {
  const style = player.style;
  context.save();
  context.globalAlpha = player.connected ? 1 : 0.4;
  if (player.isSelf) {
    context.beginPath();
    context.arc(player.x, player.y, PLAYER_RADIUS + 8, 0, Math.PI * 2);
    context.lineWidth = 3 / zoom;
    context.strokeStyle = "#ffffff";
    context.setLineDash([6 / zoom, 4 / zoom]);
    context.stroke();
    context.setLineDash([]);
  }
  context.beginPath();
  tracePlayerShape(context, style.shape, player.x, player.y, PLAYER_RADIUS);
  context.fillStyle = style.fill;
  context.fill();
  context.lineWidth = 3;
  context.strokeStyle = style.outline;
  context.stroke();
  context.restore();
}

/** Names are drawn at a fixed screen size, whatever the zoom, so they stay readable on phones. */
function drawPlayerLabel(context: CanvasRenderingContext2D, player: PlayerView, zoom: number, labels: FrameView["labels"]): void {
  const parts = [player.name];
  if (player.isSelf) {
    parts.push(`(${labels.you})`);
  }
  if (!player.connected) {
    parts.push(labels.away);
  }
  const text = `${parts.join(" ")} · ${player.score}`;
  context.save();
  context.translate(player.x, player.y - PLAYER_RADIUS - 10);
  context.scale(1 / zoom, 1 / zoom);
  context.font = LABEL_FONT;
  context.textAlign = "center";
  context.textBaseline = "bottom";
  context.lineWidth = 4;
  context.strokeStyle = "rgba(5, 8, 20, 0.85)";
  context.strokeText(text, 0, 0);
  context.fillStyle = player.isSelf ? "#ffffff" : "#dfe6ff";
  context.fillText(text, 0, 0);
  context.restore();
}
