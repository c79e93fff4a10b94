import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { log, type BenchContext } from "./context.ts";
import { summarizeProfiles } from "./cpu-profile.ts";
import { fixed, table, type Section } from "./section.ts";

/**
 * CPU profile of one arena node under load (`node --cpu-prof`), kept out of the measured
 * comparisons because the profiler itself costs CPU. The node writes its profile when it exits.
 */
export async function serverProfile(context: BenchContext, port: number): Promise<Section> {
  const clients = context.quick ? 160 : 640;
  const dir = join(context.outDir, "cpu-profile");
  await mkdir(dir, { recursive: true });
  await context.redis.flush();
  const server = await context.startArena("profiled", port, { TRANSPORT: "uws" }, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
  let cores = 0;
  let window: [number, number] = [0, 0];
  try {
    const result = await context.loadTest("profiled", port, [server.pid], { clients });
    cores = result.server.cores;
    window = result.windowMonotonicUs;
  } finally {
    await context.stop(server);
  }

  const summary = await summarizeProfiles(dir, window);
  log(`profile: ${summary.byFunction[0]?.name ?? "no samples"} leads`);

  const rows = (entries: typeof summary.byPackage) => entries.map((entry) => [entry.name, fixed(entry.percent, 1)]);
  const markdown = [
    `One arena node (uWebSockets.js) with \`node --cpu-prof\` under ${clients} clients (${fixed(cores)} cores with the profiler on); self time during the measured window as a share of the ${summary.busyMs} ms the process was busy in it. Profile files: \`${dir}/\`.`,
    "",
    table(["package", "% of busy time"], rows(summary.byPackage)),
    "",
    table(["function", "% of busy time"], rows(summary.byFunction)),
    "",
    "How to read the usual leaders (from the code, not from this run alone):",
    "",
    "- `raw` in the WebSocket transport is one send per client per patch, and with it the system call that writes the frame to the socket. Rooms with `defineInput()` get a per-client copy of every patch with the TIMED prefix (Colyseus's `buildTimedFrame`). Each client gets one frame per step, so there is nothing to batch per socket: this cost grows with clients × 20 for either transport.",
    "- `#collectOrbs` is the pickup check, 16 players × 48 orbs per room and step. It reads plain copies of the orbs (`src/rooms/rules/orb-field.ts`) rather than the `MapSchema`, whose getters and entry iterators cost more than the distance test.",
    "- `writeUtf8String` under ioredis `sendCommand` is the socket write of a Redis command. A room's live score sync is one script call per second for all its players (`recordRoundScores`), and a round's final scores are one more.",
  ].join("\n");
  return { title: "Where the arena node spends its CPU", markdown, targets: [], data: summary };
}
