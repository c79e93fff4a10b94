/**
 * Netcode readout shown when the page URL has `?debug`: prediction state, acknowledged input and
 * the last correction. Browser tests call `window.orbitDebug()` for the same numbers as JSON and
 * `window.orbitTrace` to record what is drawn frame by frame.
 */
import "./debug-api.ts";
import { FrameTrace } from "./frame-trace.ts";
import type { DebugSnapshot, GameSession } from "./game-session.ts";

const REFRESH_INTERVAL_MS = 250;

export function isDebugEnabled(): boolean {
  return new URLSearchParams(window.location.search).has("debug");
}

/** Shows the readout, installs the window hooks and returns the trace that the render loop feeds. */
export function mountDebugOverlay(currentSession: () => GameSession | null): FrameTrace {
  const element = document.createElement("pre");
  element.className = "debug";
  element.setAttribute("aria-hidden", "true");
  document.body.append(element);
  const trace = new FrameTrace();
  window.orbitDebug = () => currentSession()?.debugSnapshot(performance.now()) ?? null;
  window.orbitTrace = trace;
  window.setInterval(() => {
    const snapshot = window.orbitDebug?.() ?? null;
    element.textContent = snapshot === null ? "no session" : formatSnapshot(snapshot);
  }, REFRESH_INTERVAL_MS);
  return trace;
}

/** Developer-only readout in fixed English: it is hidden from screen readers and never shown to players. */
function formatSnapshot(snapshot: DebugSnapshot): string {
  const server = snapshot.server;
  return [
    `seq ${snapshot.seq}  ack ${server?.lastSeq ?? "–"}  pending ${snapshot.pendingInputs}`,
    `predicted ${snapshot.predicted.x.toFixed(1)}, ${snapshot.predicted.y.toFixed(1)}`,
    `server    ${server === null ? "–" : `${server.x.toFixed(1)}, ${server.y.toFixed(1)}`}`,
    `correction ${snapshot.lastCorrection.toFixed(3)}  others ${snapshot.others.length}`,
    `clock offset ${snapshot.clockOffset.toFixed(0)} ms`,
  ].join("\n");
}
