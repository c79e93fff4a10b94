import type { MachineInfo } from "./machine.ts";
import { table, type Section } from "./section.ts";

export interface BenchRun {
  command: string;
  /** The server code measured, from describeRevision(). */
  revision: string;
  machine: MachineInfo;
  minutes: number;
  sections: Section[];
  resultsDir: string;
}

const METHOD = `## How it measures

**Bots** (\`scripts/loadtest/\`). Every bot is a real \`@colyseus/sdk\` client: it creates a guest over HTTP, matchmakes with \`joinOrCreate\` (or \`create\`/\`joinById\` under \`--fill create-per-16\`), sends one input per 50 ms through \`room.input()\`, chats and leaves and rejoins at the chosen rates. Decoding every patch is the costly part of a bot: in one run here with 320 clients, one bot process used 0.33 cores with every bot decoding and 0.20 with one in 16. So only every 16th bot (\`--sample-every\`) lets the SDK decode the state. The other bots drop state frames before the SDK sees them and read only the 9-byte TIMED prefix that Colyseus 0.18 puts on state frames of rooms with \`defineInput()\`: \`[code][server time][inputs consumed]\`. The round trip of input *n* ends when a state frame reports the player's \`lastSeq ≥ n\` (sampled bots, from the decoded state) or *n* inputs consumed (lean bots, from the prefix). Both numbers arrive in the same frame. The sampled bots record both, and the \`inputRttDecoded\` and \`inputRttAck\` rows of every summary agree, which is what justifies the cheap reading. A raw protocol client would be leaner still, but it would re-implement the SDK's input encoding and handshake, while the SDK keeps the bots on the path real clients take. Bots run in \`--processes\` forked processes (default one per 500 clients) that send encoded HDR histograms (\`hdr-histogram-js\`) once per second. The parent merges them, so every figure is a percentile of all samples, never an average.

**Latencies.** \`inputRtt\`: input sent until a state frame shows it applied. \`patchInterval\`/\`patchJitter\`: time between consecutive state frames of a client, and its distance from 50 ms. \`join\`: the SDK join call until joined (matchmaking request plus WebSocket handshake). \`guest\`: \`POST /api/guest\`. \`chatDelay\`: room chat sent until received (bots stamp the send time into the text). \`globalChatDelay\`: global chat (\`--global-chat\` share of the chat) sent until received in any arena, once per message and receiving client, also split into \`globalChatDelaySameNode\` and \`globalChatDelayOtherNode\` by whether the receiver's room is on the sender's node. \`globalChatFanoutWait\`: within one bot process, the time from the first copy of a global message that one node sent to each copy, which is the wait behind the other copies of the same broadcast. \`inputBacklog\`: inputs sent but not yet applied when a state frame arrives. Percentiles are over the measured window, which starts 3 s after every client's first join attempt; join and guest times are over the whole run.

**Server cost.** CPU (utime + stime) and RSS of each server process from \`/proc/<pid>/stat\` and \`/proc/<pid>/status\` once per second, for the processes given by \`--server-pids\` or found by the socket listening on the endpoint port. Reported as cores per 1,000 connected clients and clients per core (= connected clients / cores used), RSS as growth over the idle process per 1,000 clients.

**This machine.** 2 cores shared by the servers, the bots, Redis, PostgreSQL and other people's work: during these runs other test suites (vitest workers, browser tests) ran beside the benchmark, invisible to it except as load. Every table therefore shows *other load*: the machine's busy cores (\`/proc/stat\`) minus the measured server and the bots. The bots also report their own event-loop delay, which is how late a 10 ms timer fires (\`monitorEventLoopDelay\` minus its 10 ms period). When it is high, the bots were starved and the latencies include their lateness. Before each load test the benchmark waits for the machine to go quiet (at most 3 minutes over the whole run). Absolute latencies move a lot from run to run here, and during these runs the same CPU ratio measured in back-to-back benchmark runs moved by up to a factor of two. Compare ratios of runs made side by side in one benchmark run (the scenarios alternate their variants for that reason), and read a latency figure together with its other-load column. A single game node is one Node.js process, so one core is its ceiling. Capacity is extrapolated as clients / server cores at the measured cost, since bots and servers cannot both saturate here.

## How the step loop sets input RTT

Colyseus's usual loop is \`setFixedTimestep(…, 20)\` (one 50 ms \`setInterval\` with an accumulator) plus its own 50 ms \`patchRate\` timer, which is not in phase with the steps. An input then waits for the next step (0–50 ms) and for the next patch after that step (0–50 ms). When an interval fires with the accumulator a fraction of a millisecond short, the step waits for the following interval. That gives a floor near 100 ms at p99 with the CPU far from busy: the \`bare\` room below still runs that way.

The arena runs its own loop (\`src/rooms/step-loop.ts\`): a 10 ms \`setTimestep\` checks the elapsed time from \`performance.now()\`, runs the step once 50 ms have passed, and sends the patch right after the step (\`patchRate = null\`, \`broadcastPatch()\`). Summing the room clock's \`deltaTime\` instead lost time, because Colyseus advances that clock itself (steps came about every 73 ms in a trial). An input now waits for the next step only (0–50 ms) plus at most the 10 ms timer period.

RTT grows under load through the input credit: the room applies at most one input per step on average. Once a client's timer or the room's step is late and two inputs are waiting, the queue stays two deep for as long as the client sends at exactly 20 Hz, since arrivals and consumption then match. The room drops all but the newest two waiting inputs of a client before each step (\`MAX_QUEUED_INPUTS\`), which caps that queue without letting a client move faster. The \`backlog\` columns show the queue.`;

const TODO = `## TODO: comparisons not measured yet

- **Embedded storage mode.** The in-process storage mode (\`STORAGE_MODE=embedded\`, PGlite) is not benchmarked yet: the same load on one node in embedded and external mode, CPU per client and score job throughput.
- **Server-side tick metrics.** The server exports the step duration (\`orbit_tick_duration_seconds\`) and event-loop delay (prom-client's default metrics). Patch encode time per room and waiting inputs per client (\`inputs.get(id).size\`) are not exported yet; read beside the bot figures, they would split input RTT into queueing, step wait and patch wait.`;

function targetsTable(sections: Section[]): string {
  const rows = sections.flatMap((section) => section.targets).map((target) => {
    const verdict = target.met ? "met" : "**missed**";
    return [target.name, target.target, target.measured, target.unreliable ? `${verdict}, unreliable: ${target.unreliable}` : verdict, target.note];
  });
  return table(["target", "wanted", "measured", "", "by how much / what limits it"], rows);
}

export function renderBenchmarks(run: BenchRun): string {
  const { machine } = run;
  return [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (`scripts/bench/`); do not edit the figures by hand. `npm run bench -- --quick` is a smoke run (3.5 minutes on this machine) that writes its results only to its results directory.",
    "",
    `- Command: \`${run.command}\` (${run.minutes.toFixed(1)} minutes)`,
    `- Date: ${machine.date}`,
    `- Server code: ${run.revision}`,
    `- Machine: ${machine.cores} cores (\`nproc\`), ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, Node.js ${machine.node}`,
    `- Raw results: \`${run.resultsDir}/\` (one summary.json and report.html per load test, bench.json)`,
    "",
    "## Targets",
    "",
    targetsTable(run.sections),
    "",
    METHOD,
    "",
    ...run.sections.flatMap((section) => [`## ${section.title}`, "", section.markdown, ""]),
    TODO,
    "",
  ].join("\n");
}
