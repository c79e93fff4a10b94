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

**Latencies.** \`inputRtt\`: input sent until a state frame shows it applied. \`patchInterval\`/\`patchJitter\`: time between consecutive state frames of a client, and its distance from 50 ms. \`join\`: the SDK join call until joined (matchmaking request plus WebSocket handshake). \`guest\`: \`POST /api/guest\`. \`chatDelay\`: room chat sent until received (bots stamp the send time into the text). \`inputBacklog\`: inputs sent but not yet applied when a state frame arrives. Percentiles are over the measured window, which starts 3 s after every client's first join attempt; join and guest times are over the whole run.

**Server cost.** CPU (utime + stime) and RSS of each server process from \`/proc/<pid>/stat\` and \`/proc/<pid>/status\` once per second, for the processes given by \`--server-pids\` or found by the socket listening on the endpoint port. Reported as cores per 1,000 connected clients and clients per core (= connected clients / cores used), RSS as growth over the idle process per 1,000 clients.

**This machine.** 2 cores shared by the servers, the bots, Redis, PostgreSQL and other people's work: during these runs other test suites (vitest workers, browser tests) ran beside the benchmark, invisible to it except as load. Every table therefore shows *other load*: the machine's busy cores (\`/proc/stat\`) minus the measured server and the bots. The bots also report their own event-loop delay: when it is high, the bots were starved and the latencies include their lateness. Before each load test the benchmark waits for the machine to go quiet (at most 3 minutes over the whole run). Absolute latencies move a lot from run to run here, and during these runs the same CPU ratio measured in back-to-back benchmark runs moved by up to a factor of two. Compare ratios of runs made side by side in one benchmark run (the scenarios alternate their variants for that reason), and read a latency figure together with its other-load column. A single game node is one Node.js process, so one core is its ceiling. Capacity is extrapolated as clients / server cores at the measured cost, since bots and servers cannot both saturate here.

## Why input RTT has a floor, and why it grows

The arena steps from \`setFixedTimestep(…, 20)\`: one 50 ms \`setInterval\` with an accumulator that runs a step only once it holds a full 50 ms. Colyseus sends patches from its own 50 ms \`patchRate\` timer, which is not in phase with the steps. An input therefore waits for the next step (0–50 ms), then for the next patch after that step (0–50 ms). When an interval fires with the accumulator a fraction of a millisecond short, the step waits for the following interval. That is the floor: p99 near 100 ms with a few hundred clients and the CPU far from busy.

It grows because of the input credit: the room applies at most one input per step on average. Once a client's timer or the room's step is late and two inputs are waiting, the queue stays two deep for as long as the client sends at exactly 20 Hz, since arrivals and consumption then match. Each stall adds to the queue and nothing drains it, up to the 32 inputs of \`bufferMaxSize\` (1.6 s). The \`backlog\` columns show it: about 1 at light load, tens of inputs after the machine stalled. Where the input RTT is hundreds of ms while patches arrive on time, the wait is in that queue, not in the network or the CPU.

Proposed server change (\`src/rooms/ArenaRoom.ts\`, not made here): set \`patchRate = null\` and call \`this.broadcastPatch()\` at the end of each step, so a patch leaves as soon as the state includes the inputs. Drive steps from a 10 ms \`setTimestep\` with a 50 ms accumulator fed from \`performance.now()\`: in the bare room, summing the room clock's \`deltaTime\` in that callback lost time (steps came every ~73 ms). And before applying inputs, drop all but the newest two waiting inputs of a client (\`while (inputs.size > 2) inputs.next()\`), which caps queueing without letting a client move faster. \`bare-aligned\` below is the bare room with exactly these changes.`;

const TODO = `## TODO: comparisons for features not built yet

- **Global chat delay across nodes.** When cross-node global chat exists: bots on two nodes, chat sent on one and received on the other, \`chatDelay\` split by channel. The bots already stamp chat texts; the receiver side needs the global channel's message type.
- **Embedded storage mode.** When the in-process storage mode (\`STORAGE_MODE=embedded\`, PGlite) lands: the same load on one node in embedded and external mode, CPU per client and score job throughput.
- **Server-side tick metrics.** When the server exports step duration and patch encode time per room, waiting inputs per client (\`inputs.get(id).size\`) and event-loop delay, read them beside the bot figures. They split input RTT into queueing, step wait and patch wait.`;

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
    "Written by `npm run bench` (`scripts/bench/`); do not edit the figures by hand. `npm run bench -- --quick` is a 2-minute smoke run that writes its results only to its results directory.",
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
