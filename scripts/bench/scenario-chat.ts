import type { Percentiles } from "../loadtest/histogram.ts";
import type { PubSubProbeResult } from "../loadtest/pubsub-probe.ts";
import { PubSubProbeProcess } from "../loadtest/pubsub-probe-fork.ts";
import { scrapeLoopDelay, type LoopDelay } from "../loadtest/server-loop-delay.ts";
import type { LoadTestSummary } from "../loadtest/summary.ts";
import { log, type BenchContext } from "./context.ts";
import { contamination } from "./contamination.ts";
import { fixed, table, type Section } from "./section.ts";

/**
 * Chat messages per bot per minute. Each bot sends one every 3 s on average and never two within
 * 1 s (scripts/loadtest/chat-schedule.ts), inside the server's limit of 1 per second after a burst of 5
 * (src/rooms/chat-guard.ts). Half of them go
 * to the global channel, so the run publishes a few thousand global messages a minute. The
 * other half is room chat, which takes the same WebSockets and node event loops without Redis,
 * so the two delays side by side show what the Redis hop and the fan-out add.
 */
const CHAT_PER_MINUTE = 20;
const GLOBAL_SHARE = 0.5;
/** Allowed global chat p99 as a multiple of the raw pub/sub p99 measured beside it. */
const TARGET_RATIO = 1.5;

interface ChatRun {
  clients: number;
  nodes: Array<{ name: string; port: number; pid: number; loopDelay: LoopDelay | undefined }>;
  summary: LoadTestSummary;
  /** Raw pub/sub over the chat run's measured window, at the chat's publish rate. */
  loaded: PubSubProbeResult;
  /** The same once the bots have left, with both nodes idle. */
  idle: PubSubProbeResult;
}

/** Forks a connected probe and adds it to `started`, so the caller ends it even when connecting fails. */
async function startProbe(context: BenchContext, started: PubSubProbeProcess[], channel: string, ratePerSecond: number, node: string): Promise<PubSubProbeProcess> {
  const probe = new PubSubProbeProcess();
  started.push(probe);
  // The same bot name length as the bots' three-digit indices and a real node address, so a
  // message has the size of a global chat message.
  await probe.connect({ redisUrl: context.redis.url, channel, ratePerSecond, botName: "bot-100", node }, 15 * 60_000);
  return probe;
}

/**
 * Global chat between two game nodes against raw Redis pub/sub. Both nodes share Redis presence.
 * The bots matchmake through the first node, and the matchmaker places their rooms on both, as
 * in scenario-nodes.ts. Half of the bots' chat goes to the global channel, so each of those
 * messages reaches every client on both nodes. While the chat runs, a separate process
 * publishes messages of the same JSON shape and size at the global chat's mean rate on one
 * ioredis connection and receives them on another. It runs again after the bots have left.
 */
export async function globalChatAcrossNodes(context: BenchContext, basePort: number): Promise<Section> {
  const clients = context.quick ? 96 : 192;
  const durationSeconds = context.quick ? 15 : 60;
  const idleSeconds = context.quick ? 5 : 20;
  const ratePerSecond = (clients * CHAT_PER_MINUTE * GLOBAL_SHARE) / 60;
  // Pub/sub channels are shared by every database of a Redis server, so the name is unique per run.
  const channel = `bench:pubsub-probe:${process.pid}`;
  await context.redis.flush();
  const probes: PubSubProbeProcess[] = [];
  let run: ChatRun;
  try {
    const first = await context.startArena("chat-node-1", basePort, { TRANSPORT: "uws" });
    const second = await context.startArena("chat-node-2", basePort + 1, { TRANSPORT: "uws", RUN_WORKER: "false" });
    const nodeAddress = `127.0.0.1:${first.port}`;
    const nodeUrls = [first, second].map((node) => `http://127.0.0.1:${node.port}`);
    const loadedProbe = await startProbe(context, probes, channel, ratePerSecond, nodeAddress);
    // Filled when the window closes, so neither figure includes the bots leaving.
    const atWindowClose: { figures?: Promise<[PubSubProbeResult, Array<LoopDelay | undefined>]> } = {};
    const summary = await context.loadTest(
      "chat-global",
      first.port,
      [first.pid, second.pid],
      { clients, processes: 2, durationSeconds, chatPerMinute: CHAT_PER_MINUTE, globalChatShare: GLOBAL_SHARE, rejoinPerMinute: 0 },
      {
        onWindowOpen: () => {
          loadedProbe.start();
          // This scrape resets the nodes' event-loop histograms, so the next one covers the window.
          for (const url of nodeUrls) void scrapeLoopDelay(url);
        },
        onWindowClose: () => {
          atWindowClose.figures = Promise.all([loadedProbe.stop(), Promise.all(nodeUrls.map((url) => scrapeLoopDelay(url)))]);
          // Awaited only after the bots have left. Until then this handler keeps a failure from counting as unhandled.
          atWindowClose.figures.catch(() => undefined);
        },
      },
    );
    if (!atWindowClose.figures) throw new Error("the chat load test never opened its measured window");
    const [loaded, loopDelays] = await atWindowClose.figures;
    const idleProbe = await startProbe(context, probes, channel, ratePerSecond, nodeAddress);
    idleProbe.start();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const idle = await idleProbe.stop();
    run = {
      clients,
      nodes: [
        { name: "node 1", port: first.port, pid: first.pid, loopDelay: loopDelays[0] },
        { name: "node 2", port: second.port, pid: second.pid, loopDelay: loopDelays[1] },
      ],
      summary,
      loaded,
      idle,
    };
  } finally {
    await Promise.all(probes.map((probe) => probe.kill()));
    await context.stopAll();
  }
  return describe(run);
}

function latencyRow(label: string, p: Percentiles): Array<string | number> {
  return [label, p.count, p.p50, p.p95, p.p99, p.p999, p.max];
}

function loopDelayText(delay: LoopDelay | undefined): string {
  return delay === undefined ? "not read" : `${delay.p99Ms} / ${delay.maxMs}`;
}

/** Explains a missed target from the figures of the run: what the path adds at the median, then where the tail comes from. */
function limits(run: ChatRun, chat: Percentiles, raw: Percentiles): string {
  const { summary } = run;
  const room = summary.latency.chatDelay;
  const fanout = summary.latency.globalChatFanoutWait;
  const nodeP99 = run.nodes.map((node) => (node.loopDelay === undefined ? "not read" : `${node.loopDelay.p99Ms} ms`)).join(" and ");
  const nodeMax = Math.max(0, ...run.nodes.map((node) => node.loopDelay?.maxMs ?? 0));
  const botDelay = summary.bots.loopDelayP99Ms;
  const sentences = [
    `The chat path adds ${fixed(chat.p50 - raw.p50)} ms at the median over raw pub/sub: the WebSocket to the sender's node, the chat checks, the presence publish, the broadcast to every client of every room on the receiving node and the WebSocket to the receiver.`,
    `Each node sends its copies of a message one after another, and each bot process handles the copies of its ${Math.round(summary.clients.avgConnected / summary.options.processes)} bots one after another, so a copy waited p50 ${fanout.p50} ms and p99 ${fanout.p99} ms behind the first copy of its burst. Room chat, which takes the same WebSockets and event loops to 16 receivers without Redis, had p99 ${room.p99} ms.`,
  ];
  // Percentiles do not add up, so "most of the tail" is a rough reading: the part at least half as large as the p99.
  if (fanout.p99 >= chat.p99 / 2) {
    sentences.push("So most of the tail is the fan-out. The part of it spent in the bot processes comes from running many clients in one process and would not occur with players on their own machines.");
  }
  sentences.push(
    `Event-loop delay in the window: p99 ${nodeP99} on the nodes (max ${nodeMax} ms) and up to ${botDelay} ms in the bots (worst per-second p99), with ${fixed(summary.otherLoadCores)} cores of other load.`,
  );
  return sentences.join(" ");
}

function describe(run: ChatRun): Section {
  const { summary, loaded, idle } = run;
  const other = summary.latency.globalChatDelayOtherNode;
  const same = summary.latency.globalChatDelaySameNode;
  const all = summary.latency.globalChatDelay;
  const raw = loaded.latency;
  const ratio = raw.p99 > 0 && other.count > 0 ? other.p99 / raw.p99 : 0;
  const met = ratio > 0 && ratio <= TARGET_RATIO;
  log(`chat: global chat p99 across nodes ${other.p99} ms, raw pub/sub p99 ${raw.p99} ms (idle ${idle.latency.p99} ms): ${fixed(ratio)}×`);

  const nodeName = (address: string) => run.nodes.find((node) => address.endsWith(`:${node.port}`))?.name ?? address;
  const byNode = Object.entries(summary.clients.byNode)
    .sort(([a], [b]) => nodeName(a).localeCompare(nodeName(b)))
    .map(([address, count]) => `${nodeName(address)}: ${count}`)
    .join(", ");
  const coresByNode = run.nodes
    .map((node) => fixed(summary.server.processes.find((entry) => entry.pid === node.pid)?.cores ?? 0))
    .join(" + ");
  const { counters, rates } = summary;

  const markdown = [
    `${run.clients} clients, 16 per room, on two game nodes (uWebSockets.js) that share Redis presence. The bots create guests and matchmake through node 1, and the matchmaker places their rooms on both nodes (clients at the end of the window: ${byNode || "none"}). Each bot sends ${CHAT_PER_MINUTE} chat messages a minute at random times and never rejoins. ${GLOBAL_SHARE * 100} % of the messages go to the global channel, with a message id as the browser client sends one, and reach every client on both nodes. The rest is room chat, which reaches the 16 clients of the sender's room without Redis. The server accepts 1 message per second per player after a burst of 5, and the bots leave at least 1 s between two messages, so none should be rate-limited. A receiver takes the delay from the send time the sender wrote into the text (\`performance.timeOrigin + performance.now()\`, one clock for all bot processes on this machine) and counts each global message once. It files the message under *another node* when its own room is not on the sender's node. Global messages to the sender's own node also go through Redis, because every node, the sender's included, receives global chat from its presence subscription. The wait behind the first copy is, within one bot process and for the copies from one node, the time from the first copy of a message to each copy.`,
    "",
    `The baseline is raw ioredis pub/sub on the same Redis: a separate process publishes on one connection and receives on a second. Each message is built and serialized as a node publishes global chat (the fields of \`GlobalChatMessage\`, \`JSON.stringify\`, ${loaded.messageBytes} bytes, \`JSON.parse\` on arrival), at the global chat's mean rate of ${fixed((run.clients * CHAT_PER_MINUTE * GLOBAL_SHARE) / 60, 1)} messages per second with random gaps. It runs during the chat's measured window, so it shares the machine with the nodes and the bots, and once more for ${fixed(idle.seconds, 0)} s after the bots have left. Node event-loop delay is prom-client's, scraped from each node's \`/metrics\` at the start and end of the window.`,
    "",
    table(
      ["delay, ms", "samples", "p50", "p95", "p99", "p99.9", "max"],
      [
        latencyRow("global chat, receiver on another node", other),
        latencyRow("global chat, receiver on the sender's node", same),
        latencyRow("global chat, all receivers", all),
        latencyRow("global chat, wait behind the first copy of its burst", summary.latency.globalChatFanoutWait),
        latencyRow("room chat (no Redis), same run", summary.latency.chatDelay),
        latencyRow("raw ioredis pub/sub, during the chat", raw),
        latencyRow("raw ioredis pub/sub, after it (idle)", idle.latency),
      ],
    ),
    "",
    table(
      [
        "clients",
        "rooms",
        "global chats sent / s",
        "received / s",
        "rate-limited",
        "duplicates dropped",
        "pub/sub lost",
        "server cores (node 1 + node 2)",
        "node loop delay p99 / max, node 1",
        "node 2",
        "input RTT p99",
        "bot cores",
        "bot loop delay p99",
        "other load cores",
      ],
      [
        [
          summary.clients.avgConnected,
          summary.clients.rooms,
          rates.globalChatsSent,
          rates.globalChatsReceived,
          counters.chatsRateLimited,
          counters.globalChatDuplicates,
          `${loaded.lost} + ${idle.lost}`,
          coresByNode,
          loopDelayText(run.nodes[0]?.loopDelay),
          loopDelayText(run.nodes[1]?.loopDelay),
          summary.latency.inputRtt.p99,
          fixed(summary.bots.cores),
          summary.bots.loopDelayP99Ms,
          fixed(summary.otherLoadCores),
        ],
      ],
    ),
    "",
    `- Global chat p99 across nodes / raw pub/sub p99 during the chat: **${fixed(ratio)}×** (${other.p99} / ${raw.p99} ms); against the idle baseline ${idle.latency.p99 > 0 ? fixed(other.p99 / idle.latency.p99) : "–"}×.`,
  ].join("\n");

  let note: string;
  if (other.count === 0 || raw.count === 0) note = "not measured: no global chat reached another node, or the baseline received nothing";
  else if (met) note = `met, over ${other.count} deliveries to another node and ${raw.count} baseline messages`;
  else note = `missed by ${fixed(ratio - TARGET_RATIO)}×: p99 ${other.p99} ms where ${fixed(TARGET_RATIO * raw.p99, 3)} ms was allowed. ${limits(run, other, raw)}`;
  return {
    title: "Global chat across nodes against raw Redis pub/sub",
    markdown,
    targets: [
      {
        name: "global chat delay p99 ≤ 1.5× raw ioredis pub/sub p99",
        target: "≤ 1.50×",
        measured: `${fixed(ratio)}× (across nodes ${other.p99} ms, raw ${raw.p99} ms)`,
        met,
        unreliable: contamination([summary]),
        note,
      },
    ],
    data: { clients: run.clients, nodes: run.nodes, summary: { ...summary, series: undefined }, pubSub: { loaded, idle } },
  };
}
