import { matchMaker } from "@colyseus/core";
import type { Backends } from "../server/backends.ts";
import type { GameMetrics } from "./game-metrics.ts";

/** Registers the gauges of a game node: clients, rooms, queue depth and the write-behind backlog. */
export function registerServerMetrics(metrics: GameMetrics, backends: Backends): void {
  metrics.gauge("orbit_connected_clients", "Clients connected to this node's rooms", () => matchMaker.stats.local.ccu);
  metrics.gauge("orbit_rooms", "Rooms running on this node", () => matchMaker.stats.local.roomCount);
  registerStoreMetrics(metrics, backends);
}

/** Registers the gauges that game nodes and workers share: queues, cache and write-behind. */
export function registerStoreMetrics(metrics: GameMetrics, backends: Backends): void {
  metrics.labelledGauge("orbit_queue_jobs", "Jobs of each queue and state", "queue_state", async () => {
    const counts = await backends.jobs.counts();
    const flat: Record<string, number> = {};
    for (const [queue, states] of Object.entries(counts)) {
      for (const [state, amount] of Object.entries(states)) flat[`${queue}:${state}`] = amount;
    }
    return flat;
  });
  metrics.labelledGauge("orbit_profile_cache_reads", "Profile reads served from the cache (hit) or the database (miss)", "result", async () => ({
    ...backends.profiles.readStats(),
  }));
  metrics.gauge("orbit_write_behind_backlog", "Profiles changed in the cache but not yet written to the database", async () => (await backends.profiles.backlog()).count);
  metrics.gauge("orbit_write_behind_oldest_seconds", "Age of the oldest change not yet written to the database", async () => (await backends.profiles.backlog()).oldestAgeMs / 1000);
}
