/**
 * A cluster for one test file, as `npm run cluster` runs it: game nodes and one job worker as
 * separate child processes on 127.0.0.1, sharing one Redis database and one PostgreSQL
 * database. Each node announces its own PUBLIC_ADDRESS, so a browser connects straight to the
 * node that runs its room. The nodes run no job workers (RUN_WORKER=false), because the worker does.
 */
import { createTestEnvironment, freePort, type TestEnvironment } from "../../support/environment.ts";
import { processEnvironment, type ServerSettings } from "./game-server.ts";
import { ServerProcess } from "./server-process.ts";

export interface ClusterNode {
  /** host:port, the node's PUBLIC_ADDRESS and what the lobby lists as `publicAddress`. */
  address: string;
  baseUrl: string;
  process: ServerProcess;
}

export interface GameCluster {
  nodes: ClusterNode[];
  /** Stops every process still running and removes the database and Redis keys. */
  dispose(): Promise<void>;
}

/** Settings of the cluster processes on top of those of a single test server. */
export interface ClusterSettings extends ServerSettings {
  /** Enables POST /api/admin/announce with HTTP basic authentication as `admin`. */
  ADMIN_PASSWORD?: string;
}

/** Creates a node's process without starting it, so dispose() can stop it even after a failed start. */
async function createNode(environment: TestEnvironment, settings: ClusterSettings): Promise<ClusterNode> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const baseUrl = `http://${address}`;
  const variables = { ...processEnvironment(environment.config, settings), PORT: String(port), PUBLIC_ADDRESS: address, RUN_WORKER: "false" };
  return { address, baseUrl, process: new ServerProcess(variables, baseUrl) };
}

async function createWorker(environment: TestEnvironment, settings: ClusterSettings): Promise<ServerProcess> {
  const port = await freePort();
  const variables = { ...processEnvironment(environment.config, settings), WORKER_PORT: String(port) };
  return new ServerProcess(variables, `http://127.0.0.1:${port}`, "src/jobs/worker-main.ts");
}

/** Starts `nodeCount` game nodes and a worker. The first node creates the database before the others start. */
export async function startGameCluster(nodeCount: number, settings: ClusterSettings = {}): Promise<GameCluster> {
  const environment = await createTestEnvironment();
  const nodes: ClusterNode[] = [];
  for (let index = 0; index < nodeCount; index += 1) {
    nodes.push(await createNode(environment, settings));
  }
  const worker = await createWorker(environment, settings);
  const dispose = async () => {
    try {
      await Promise.all([...nodes.map((node) => node.process.stop()), worker.stop()]);
    } finally {
      await environment.cleanup();
    }
  };
  try {
    const [first, ...others] = nodes;
    await first?.process.start();
    await Promise.all([...others.map((node) => node.process.start()), worker.start()]);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { nodes, dispose };
}
