import { parseArgs } from "node:util";
import type { FillPolicy } from "./fill-policy.ts";

export interface LoadTestOptions {
  /** WebSocket endpoint of the game node; the HTTP API is at the same host and port. */
  endpoint: string;
  clients: number;
  /** Seconds of steady load measured after the ramp and the warm-up. */
  durationSeconds: number;
  /** Clients started per second. */
  rampPerSecond: number;
  fill: FillPolicy;
  processes: number;
  /** Leave-and-rejoin cycles per client per minute. */
  rejoinPerMinute: number;
  /** Chat messages per client per minute. */
  chatPerMinute: number;
  /** Share of the chat messages, from 0 to 1, sent to the global channel (every arena on every node). */
  globalChatShare: number;
  outDir: string;
  /** Server processes to measure; undefined means those listening on the endpoint's port. */
  serverPids: number[] | undefined;
  /** Every n-th client decodes the full state; the rest are lean (see docs/benchmarks.md). */
  sampleEvery: number;
  /** Seconds between the end of the ramp and the start of the measured window. */
  warmupSeconds: number;
  /** Print progress lines (a live line on a TTY). */
  progress: boolean;
}

/** Clients one bot process drives by default; see docs/benchmarks.md for why. */
export const CLIENTS_PER_PROCESS = 500;

export const USAGE = `Usage: npm run loadtest -- [options]
  --endpoint URL       game node WebSocket URL (default ws://127.0.0.1:2567)
  --clients N          simulated players (default 100)
  --duration S         seconds measured after the ramp and warm-up (default 60)
  --ramp N             clients started per second (default 100)
  --fill POLICY        joinOrCreate (default) or create-per-16
  --processes N        bot processes (default: one per ${CLIENTS_PER_PROCESS} clients)
  --rejoin-rate R      leave-and-rejoin cycles per client per minute (default 0.2)
  --chat-rate R        chat messages per client per minute (default 1); a client leaves at
                       least 1 s between two, because the server accepts 1 per second per
                       player after a burst of 5, so rates above 60 get rate-limited
  --global-chat F      share of the chat sent to the global channel, 0 to 1 (default 0);
                       receivers record globalChatDelay, split by whether their room is
                       on the sender's node (SameNode) or another node (OtherNode)
  --sample-every N     every N-th client decodes the full state (default 16)
  --warmup S           seconds between ramp end and measurement (default 3)
  --server-pids A,B    server processes to measure (default: those listening on the endpoint port)
  --out DIR            results directory (default loadtest-results/<timestamp>/)`;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "");
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a ${integer ? "non-negative integer" : "non-negative number"}, got ${raw}`);
  }
  return value;
}

function parseShare(name: string, raw: string | undefined): number {
  const value = positiveNumber(name, raw, 0, false);
  if (value > 1) throw new Error(`--${name} must be a share from 0 to 1, got ${raw}`);
  return value;
}

function parsePids(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const pids = raw.split(",").map((part) => Number(part.trim()));
  if (pids.some((pid) => !Number.isInteger(pid) || pid <= 0)) throw new Error(`--server-pids must be process ids, got ${raw}`);
  return pids;
}

function parseFill(raw: string | undefined): FillPolicy {
  if (raw === undefined || raw === "joinOrCreate") return "joinOrCreate";
  if (raw === "create-per-16") return raw;
  throw new Error(`--fill must be joinOrCreate or create-per-16, got ${raw}`);
}

export function parseOptions(argv: string[]): LoadTestOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      endpoint: { type: "string" },
      clients: { type: "string" },
      duration: { type: "string" },
      ramp: { type: "string" },
      fill: { type: "string" },
      processes: { type: "string" },
      "rejoin-rate": { type: "string" },
      "chat-rate": { type: "string" },
      "global-chat": { type: "string" },
      "sample-every": { type: "string" },
      warmup: { type: "string" },
      "server-pids": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const endpoint = values.endpoint ?? "ws://127.0.0.1:2567";
  if (!/^wss?:\/\//.test(endpoint)) throw new Error(`--endpoint must start with ws:// or wss://, got ${endpoint}`);
  const clients = positiveNumber("clients", values.clients, 100, true);
  if (clients < 1) throw new Error(`--clients must be at least 1, got ${values.clients}`);
  const processes = positiveNumber("processes", values.processes, Math.ceil(clients / CLIENTS_PER_PROCESS), true);
  return {
    endpoint,
    clients,
    durationSeconds: positiveNumber("duration", values.duration, 60, false),
    rampPerSecond: Math.max(1, positiveNumber("ramp", values.ramp, 100, false)),
    fill: parseFill(values.fill),
    processes: Math.max(1, Math.min(processes, clients)),
    rejoinPerMinute: positiveNumber("rejoin-rate", values["rejoin-rate"], 0.2, false),
    chatPerMinute: positiveNumber("chat-rate", values["chat-rate"], 1, false),
    globalChatShare: parseShare("global-chat", values["global-chat"]),
    sampleEvery: Math.max(1, positiveNumber("sample-every", values["sample-every"], 16, true)),
    warmupSeconds: positiveNumber("warmup", values.warmup, 3, false),
    serverPids: parsePids(values["server-pids"]),
    outDir: values.out ?? `loadtest-results/${timestamp()}`,
    progress: true,
  };
}

/** Returns the HTTP base URL of the node behind a WebSocket endpoint. */
export function httpUrlOf(endpoint: string): string {
  const url = new URL(endpoint);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  return url.origin;
}
