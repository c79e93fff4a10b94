import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { nextChatAt, MIN_CHAT_GAP_MS } from "../scripts/loadtest/chat-schedule.ts";
import { chatDelayMs, readGlobalChatStamp, stampedGlobalChatText } from "../scripts/loadtest/chat-stamp.ts";
import { FirstArrivals } from "../scripts/loadtest/first-arrivals.ts";
import { parseOptions } from "../scripts/loadtest/options.ts";
import { PubSubProbe } from "../scripts/loadtest/pubsub-probe.ts";
import { SeenMessages } from "../scripts/loadtest/seen-messages.ts";
import { scrapeLoopDelay } from "../scripts/loadtest/server-loop-delay.ts";
import { GameMetrics } from "../src/metrics/game-metrics.ts";
import { ChatGuard } from "../src/rooms/chat-guard.ts";
import { TEST_REDIS_URL } from "./support/environment.ts";

describe("load test global chat", () => {
  it("global stamp survives chat checks", () => {
    const text = stampedGlobalChatText("bot-1234", "127.0.0.1:3622", "bot-1234.17", 1_700_000_000_123.456);
    const verdict = new ChatGuard(0).check({ text, channel: "global", id: "bot-1234.17" }, 0);
    expect(verdict).toMatchObject({ accepted: true, channel: "global" });
    const delivered = verdict.accepted ? verdict.text : "";

    expect(readGlobalChatStamp(delivered)).toEqual({ sentAtMs: 1_700_000_000_123.456, senderNode: "127.0.0.1:3622", messageId: "bot-1234.17" });
    expect(chatDelayMs(delivered, 1_700_000_000_125.456)).toBeCloseTo(2, 6);
    expect(readGlobalChatStamp("lt 1700000000123.456 hello from bot-1")).toBeUndefined();
    expect(readGlobalChatStamp("hello from a player")).toBeUndefined();
  });

  it("seen ids count once", () => {
    const seen = new SeenMessages(2);
    expect(seen.add("a")).toBe(true);
    expect(seen.add("a")).toBe(false);
    expect(seen.add("b")).toBe(true);
    expect(seen.add("c")).toBe(true); // evicts "a"
    expect(seen.add("b")).toBe(false);
    expect(seen.add("a")).toBe(true);
  });

  it("fan-out wait counts from the first copy", () => {
    const arrivals = new FirstArrivals(2);
    expect(arrivals.sinceFirst("m1", 100)).toBe(0);
    expect(arrivals.sinceFirst("m1", 103.5)).toBe(3.5);
    expect(arrivals.sinceFirst("m2", 110)).toBe(0);
    expect(arrivals.sinceFirst("m3", 120)).toBe(0); // evicts "m1"
    expect(arrivals.sinceFirst("m1", 130)).toBe(0);
    expect(arrivals.sinceFirst("m3", 121)).toBe(1);
  });

  it("chat gaps respect the server limit", () => {
    const gaps = Array.from({ length: 20_000 }, () => nextChatAt(0, 20));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_CHAT_GAP_MS);
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    expect(mean).toBeGreaterThan(2900);
    expect(mean).toBeLessThan(3100);
    expect(nextChatAt(0, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(nextChatAt(0, 120)).toBe(500);
  });

  it("parses the global chat share", () => {
    expect(parseOptions([]).globalChatShare).toBe(0);
    expect(parseOptions(["--global-chat", "0.5"]).globalChatShare).toBe(0.5);
    expect(() => parseOptions(["--global-chat", "1.5"])).toThrow(/share from 0 to 1/);
    expect(() => parseOptions(["--global-chat=-1"])).toThrow(/non-negative/);
  });

  it("probe measures real Redis pub/sub", async () => {
    const probe = new PubSubProbe({
      redisUrl: TEST_REDIS_URL,
      channel: `orbit-test:pubsub-probe:${randomBytes(4).toString("hex")}`,
      ratePerSecond: 200,
      botName: "bot-100",
      node: "127.0.0.1:3622",
    });
    await probe.connect();
    probe.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const result = await probe.stop();

    expect(result.published).toBeGreaterThan(20);
    expect(result.received).toBe(result.published);
    expect(result.lost).toBe(0);
    expect(result.latency.count).toBe(result.received);
    expect(result.latency.p50).toBeGreaterThan(0);
    // The same fields as a node's GlobalChatMessage with a UUID player id and a bot's text.
    expect(result.messageBytes).toBeGreaterThan(150);
    expect(result.messageBytes).toBeLessThan(250);
  });

  it("reads node loop delay from metrics", async () => {
    const metrics = new GameMetrics();
    const server: Server = createServer((_request, response) => {
      void metrics.registry.metrics().then((text) => response.end(text));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await scrapeLoopDelay(url);
      // The first monitor tick after the scrape's reset only restarts its clock, so the block waits for it.
      await new Promise((resolve) => setTimeout(resolve, 25));
      const busyUntil = performance.now() + 60;
      while (performance.now() < busyUntil) {
        // Blocks the event loop so the monitor records a late timer.
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
      const delay = await scrapeLoopDelay(url);
      expect(delay?.maxMs).toBeGreaterThan(20);
      expect(await scrapeLoopDelay("http://127.0.0.1:1")).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
