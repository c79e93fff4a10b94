import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const clientRoot = fileURLToPath(new URL(".", import.meta.url));
const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));

/** Game server the dev server forwards to; override with ORBIT_DEV_SERVER=http://127.0.0.1:PORT. */
const gameServer = process.env.ORBIT_DEV_SERVER ?? "http://127.0.0.1:2567";

export default defineConfig({
  root: clientRoot,
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    // The client imports the shared movement rules from ../src, outside the Vite root.
    fs: { allow: [repositoryRoot] },
    proxy: {
      "/api": { target: gameServer, changeOrigin: true },
      "/healthz": { target: gameServer, changeOrigin: true },
      "/matchmake": { target: gameServer, changeOrigin: true },
      // Colyseus room sockets connect to /<processId>/<roomId>?sessionId=..., a path with no fixed prefix.
      "^/[^/?]+/[^/?]+\\?(?:.*&)?sessionId=": { target: gameServer, ws: true, changeOrigin: true },
    },
  },
});
