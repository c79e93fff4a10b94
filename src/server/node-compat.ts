import { WebSocket } from "ws";

/**
 * @colyseus/core 0.18.17 reads the browser-style global `WebSocket.OPEN` when a dropped client
 * reconnects. Node.js 20 has no global WebSocket (Node.js 22 does), so every reconnection into a
 * held seat failed with "reconnection denied". The `ws` package's class has the same constants.
 */
if (typeof globalThis.WebSocket === "undefined") {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}
