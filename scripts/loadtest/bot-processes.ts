import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ProcessReport } from "./bot-metrics.ts";
import { ROOM_GROUP_SIZE } from "./fill-policy.ts";
import type { BotProcessConfig, ChildMessage, ParentMessage } from "./ipc.ts";
import { httpUrlOf, type LoadTestOptions } from "./options.ts";

const CHILD_ENTRY = fileURLToPath(new URL("./bot-process.ts", import.meta.url));
/** How long the parent waits for bot processes to leave their rooms before killing them. */
const STOP_GRACE_MS = 20_000;

/** Splits the clients over the processes; under create-per-16 in whole rooms, so no room spans two processes. */
export function splitClients(clients: number, processes: number, fill: LoadTestOptions["fill"]): number[] {
  const unit = fill === "create-per-16" ? ROOM_GROUP_SIZE : 1;
  const units = Math.ceil(clients / unit);
  const counts: number[] = [];
  let assigned = 0;
  for (let index = 0; index < processes; index += 1) {
    const share = Math.floor(units / processes) + (index < units % processes ? 1 : 0);
    const count = Math.min(share * unit, clients - assigned);
    counts.push(count);
    assigned += count;
  }
  return counts.filter((count) => count > 0);
}

/** The forked bot processes of one run. */
export class BotProcesses {
  readonly #children: ChildProcess[] = [];
  readonly #stopped = new Set<number>();

  /** Forks one process per share and starts its bots; `onReport` receives each process's reports. */
  constructor(options: LoadTestOptions, maxRunMs: number, onReport: (processIndex: number, report: ProcessReport) => void) {
    const shares = splitClients(options.clients, options.processes, options.fill);
    let firstBotIndex = 0;
    shares.forEach((botCount, processIndex) => {
      const child = fork(CHILD_ENTRY, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      child.on("message", (message: ChildMessage) => {
        if (message.type === "report") onReport(processIndex, message.report);
        else this.#stopped.add(processIndex);
      });
      child.on("exit", () => this.#stopped.add(processIndex));
      const config: BotProcessConfig = {
        processIndex,
        firstBotIndex,
        botCount,
        rampPerSecond: (options.rampPerSecond * botCount) / options.clients,
        sampleEvery: options.sampleEvery,
        fill: options.fill,
        settings: {
          httpUrl: httpUrlOf(options.endpoint),
          chatPerMinute: options.chatPerMinute,
          globalChatShare: options.globalChatShare,
          rejoinPerMinute: options.rejoinPerMinute,
        },
        maxRunMs,
      };
      const start: ParentMessage = { type: "start", config };
      child.send(start);
      this.#children.push(child);
      firstBotIndex += botCount;
    });
  }

  get pids(): number[] {
    return this.#children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  /** Asks every process to stop, waits for them, and kills (by pid) any that did not exit in time. */
  async stop(): Promise<void> {
    const stop: ParentMessage = { type: "stop" };
    for (const child of this.#children) if (child.connected) child.send(stop);
    const deadline = Date.now() + STOP_GRACE_MS;
    while (this.#stopped.size < this.#children.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const child of this.#children) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }
}
