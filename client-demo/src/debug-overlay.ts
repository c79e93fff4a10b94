/**
 * Netcode readout shown when the page URL has `?debug`: prediction state, acknowledged input and
 * the last correction. Browser tests call `window.orbitDebug()` for the same numbers as JSON.
 */
import type { DebugSnapshot, GameSession } from "./game-session.ts";

declare global {
  interface Window {
    orbitDebug?: () => DebugSnapshot | null;
  }
}

const REFRESH_INTERVAL_MS = 250;

export function isDebugEnabled(): boolean {
  return new URLSearchParams(window.location.search).has("debug");
}

export function mountDebugOverlay(currentSession: () => GameSession | null): void {
  const element = document.createElement("pre");
  element.className = "debug";
  element.setAttribute("aria-hidden", "true");
  document.body.append(element);
  window.orbitDebug = () => currentSession()?.debugSnapshot(performance.now()) ?? null;
  window.setInterval(() => {
    const snapshot = window.orbitDebug?.() ?? null;
    element.textContent = snapshot === null ? "no session" : formatSnapshot(snapshot);
  }, REFRESH_INTERVAL_MS);
}

function formatSnapshot(snapshot: DebugSnapshot): string {
  const server = snapshot.server;
  return [
    `seq ${snapshot.seq}  ack ${server?.lastSeq ?? "–"}  pending ${snapshot.pendingInputs}`,
    `predicted ${snapshot.predicted.x.toFixed(1)}, ${snapshot.predicted.y.toFixed(1)}`,
    `server    ${server === null ? "–" : `${server.x.toFixed(1)}, ${server.y.toFixed(1)}`}`,
    `correction ${snapshot.lastCorrection.toFixed(3)}  others ${snapshot.others.length}`,
  ].join("\n");
}
