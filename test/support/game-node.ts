import type { Server } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { TokenService } from "../../src/auth/tokens.ts";
import type { Backends } from "../../src/server/backends.ts";
import { startGameServer } from "../../src/server/game-server.ts";
import { openTestBackends } from "./backend-modes.ts";
import type { TestEnvironment } from "./environment.ts";

/** A game server started in this process on the environment's port, with its back ends. */
export interface GameNode {
  server: Server;
  backends: Backends;
  tokens: TokenService;
  baseUrl: string;
  /** Creates a guest over HTTP and returns its id and token. */
  createGuest(name: string): Promise<{ playerId: string; token: string }>;
  /** An SDK client pointed at this node. */
  client(): Client;
  stop(): Promise<void>;
}

export async function startGameNode(env: TestEnvironment, options: { random?: () => number } = {}): Promise<GameNode> {
  const backends = await openTestBackends(env, { withMatchmaking: true });
  await backends.jobs.startWorkers({ db: backends.db, profiles: backends.profiles, log: env.log });
  const tokens = new TokenService(env.config.JWT_SECRET, env.config.TOKEN_TTL_SECONDS);
  const server = await startGameServer({
    config: env.config,
    log: env.log,
    backends,
    tokens,
    handleSignals: false,
    ...(options.random ? { random: options.random } : {}),
  });
  const baseUrl = `http://127.0.0.1:${env.config.PORT}`;

  return {
    server,
    backends,
    tokens,
    baseUrl,
    async createGuest(name) {
      const response = await fetch(`${baseUrl}/api/guest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      if (response.status !== 201) throw new Error(`guest creation answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { playerId: string; token: string };
    },
    client: () => new Client(baseUrl),
    async stop() {
      await server.gracefullyShutdown(false);
    },
  };
}
