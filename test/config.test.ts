import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/env.ts";

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 2567, ROUND_SECONDS: 180, ARENA_MAX_PLAYERS: 16, REDIS_URL: "redis://127.0.0.1:6379" });
  });

  it("names the invalid variable and its value", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT="eighty"/);
  });

  it("rejects a Redis URL with the wrong scheme", () => {
    expect(() => loadConfig({ REDIS_URL: "http://localhost" })).toThrow(ConfigError);
  });

  it("requires a JWT secret in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET is not set/);
  });

  it("refuses a short JWT secret in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "short" })).toThrow(/at least 32/);
  });
});
