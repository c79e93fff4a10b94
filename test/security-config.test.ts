import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/env.ts";

describe("security configuration", () => {
  it("defaults of the security settings", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      MAX_MESSAGE_BYTES: 4096,
      GUEST_RATE_PER_MINUTE: 20,
      JOIN_RATE_PER_MINUTE: 60,
      TRUST_PROXY: false,
      TOKEN_REFRESH_GRACE_SECONDS: 604_800,
    });
    // Off until configured: the admin API, the origin list and TLS.
    expect([config.ADMIN_PASSWORD, config.ALLOWED_ORIGINS, config.TLS_CERT_FILE, config.TLS_KEY_FILE]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("ALLOWED_ORIGINS normalised", () => {
    const config = loadConfig({ ALLOWED_ORIGINS: " https://Play.Example.com:443 ,http://localhost:5173,https://play.example.com" });
    expect(config.ALLOWED_ORIGINS).toEqual(["https://play.example.com", "http://localhost:5173"]);
  });

  it.each(["https://example.com/game", "example.com", "ftp://example.com", "*", "https://user:pw@example.com", ","])(
    "invalid ALLOWED_ORIGINS entry %s",
    (value) => {
      expect(() => loadConfig({ ALLOWED_ORIGINS: value })).toThrow(/ALLOWED_ORIGINS=/);
    },
  );

  it("TLS files both or neither", () => {
    expect(() => loadConfig({ TLS_CERT_FILE: "/etc/cert.pem" })).toThrow(/both TLS_CERT_FILE and TLS_KEY_FILE/);
    expect(() => loadConfig({ TLS_KEY_FILE: "/etc/key.pem" })).toThrow(ConfigError);
    expect(loadConfig({ TLS_CERT_FILE: "/etc/cert.pem", TLS_KEY_FILE: "/etc/key.pem" }).TLS_KEY_FILE).toBe("/etc/key.pem");
  });

  it("short ADMIN_PASSWORD in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32), ADMIN_PASSWORD: "short" })).toThrow(/ADMIN_PASSWORD is shorter than 16/);
    expect(loadConfig({ ADMIN_PASSWORD: "short" }).ADMIN_PASSWORD).toBe("short");
  });

  it("JWT_SECRET length boundary in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(31) })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32) }).JWT_SECRET).toHaveLength(32);
  });

  it("bounds of size and rate settings", () => {
    expect(() => loadConfig({ MAX_MESSAGE_BYTES: "100" })).toThrow(/MAX_MESSAGE_BYTES/);
    expect(() => loadConfig({ MAX_MESSAGE_BYTES: String(2 * 1024 * 1024) })).toThrow(/MAX_MESSAGE_BYTES/);
    expect(() => loadConfig({ GUEST_RATE_PER_MINUTE: "-1" })).toThrow(/GUEST_RATE_PER_MINUTE/);
    expect(loadConfig({ JOIN_RATE_PER_MINUTE: "0" }).JOIN_RATE_PER_MINUTE).toBe(0);
    expect(() => loadConfig({ TRUST_PROXY: "maybe" })).toThrow(/TRUST_PROXY/);
  });
});
