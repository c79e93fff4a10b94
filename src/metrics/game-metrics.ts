import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Prometheus metrics of one process. Rooms and services receive this object and update the
 * instruments directly; gauges that read other state are filled by `collect` callbacks.
 */
export class GameMetrics {
  readonly registry = new Registry();

  readonly messagesIn = new Counter({
    name: "orbit_messages_in_total",
    help: "Client messages accepted by rooms, by type",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });

  readonly messagesOut = new Counter({
    name: "orbit_messages_out_total",
    help: "Messages rooms sent to clients (broadcasts count once per recipient), by type",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });

  readonly invalidMessages = new Counter({
    name: "orbit_invalid_messages_total",
    help: "Client messages dropped because they failed validation, by type",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });

  readonly kicks = new Counter({
    name: "orbit_clients_kicked_total",
    help: "Clients disconnected by the server, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly tickDuration = new Histogram({
    name: "orbit_tick_duration_seconds",
    help: "Duration of one fixed simulation step of a room",
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
    registers: [this.registry],
  });

  readonly roundsFinished = new Counter({
    name: "orbit_rounds_finished_total",
    help: "Rounds finished and handed to the score queue, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "orbit_process_" });
  }

  /** Registers a gauge whose value is read when Prometheus scrapes. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** Registers a labelled gauge whose values are read when Prometheus scrapes. */
  labelledGauge(name: string, help: string, label: string, read: () => Promise<Record<string, number>>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      async collect() {
        for (const [value, amount] of Object.entries(await read())) this.set({ [label]: value }, amount);
      },
    });
  }
}
