import type { Room } from "@colyseus/sdk";

/** The parts of the arena state the tests read on the client side. */
export interface PlayerView {
  playerId: string;
  name: string;
  x: number;
  y: number;
  score: number;
  lastSeq: number;
  connected: boolean;
}

export interface ArenaView {
  phase: string;
  round: number;
  roundEndsAt: number;
  players: Map<string, PlayerView>;
  orbs: Map<string, { x: number; y: number; value: number }>;
}

export function arenaView(room: Room): ArenaView {
  return room.state as unknown as ArenaView;
}

/** Resolves with the next message of `type`, or rejects after `timeoutMs`. */
export function nextMessage<T>(room: Room, type: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    const unsubscribe = room.onMessage(type, (message: T) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(message);
    });
  });
}

/** Sends `count` inputs in one direction at the browser's pace of one per 50 ms. */
export async function sendInputs(room: Room, firstSeq: number, count: number, dx: number, dy: number, paceMs = 50): Promise<number> {
  const input = room.input<{ seq: number; dx: number; dy: number }>();
  let seq = firstSeq;
  for (let index = 0; index < count; index += 1) {
    input.data.seq = seq;
    input.data.dx = dx;
    input.data.dy = dy;
    input.send();
    seq += 1;
    if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
  }
  return seq - 1;
}
