import { describe, expect, it } from "vitest";
import { bearerToken } from "../src/auth/bearer.ts";
import { parseBasicAuth, secretsEqual } from "../src/security/admin-auth.ts";
import { normalizeIp, rateLimitKey, resolveClientIp } from "../src/security/client-ip.ts";
import { limitedRoute } from "../src/security/http-gate.ts";
import { OriginPolicy } from "../src/security/origin-policy.ts";
import { KeyedRateLimiter } from "../src/security/rate-limiter.ts";

describe("client addresses", () => {
  it("address normalisation", () => {
    expect(normalizeIp("127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("0000:0000:0000:0000:0000:ffff:7f00:0001")).toBe("127.0.0.1");
    expect(normalizeIp("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeIp("[2001:db8::1]")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeIp("not-an-ip")).toBeUndefined();
  });

  it("X-Forwarded-For only with TRUST_PROXY", () => {
    expect(resolveClientIp("10.0.0.5", "198.51.100.7", false)).toBe("10.0.0.5");
    expect(resolveClientIp("10.0.0.5", "203.0.113.9, 198.51.100.7", true)).toBe("198.51.100.7");
    expect(resolveClientIp("10.0.0.5", "garbage", true)).toBe("10.0.0.5");
    expect(resolveClientIp("10.0.0.5", undefined, true)).toBe("10.0.0.5");
  });

  it("IPv6 limited per /64", () => {
    expect(rateLimitKey("2001:db8:1:2:aaaa:0:0:1")).toBe(rateLimitKey("2001:db8:1:2:bbbb:0:0:9"));
    expect(rateLimitKey("2001:db8:1:3:0:0:0:1")).not.toBe(rateLimitKey("2001:db8:1:2:0:0:0:1"));
    expect(rateLimitKey("198.51.100.7")).toBe("198.51.100.7");
  });
});

describe("KeyedRateLimiter", () => {
  it("burst then continuous refill", () => {
    const limiter = new KeyedRateLimiter(6);
    for (let index = 0; index < 6; index += 1) expect(limiter.take("a", 0).allowed).toBe(true);
    expect(limiter.take("a", 0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take("b", 0).allowed).toBe(true);
    expect(limiter.peek("a", 9_999).allowed).toBe(false);
    expect(limiter.take("a", 10_000).allowed).toBe(true);
  });

  it("eviction past the key cap", () => {
    const limiter = new KeyedRateLimiter(1, 3);
    for (const key of ["a", "b", "c", "d"]) limiter.take(key, 0);
    expect(limiter.size).toBe(3);
    expect(limiter.take("a", 0).allowed).toBe(true);
    expect(limiter.take("d", 0).allowed).toBe(false);
  });
});

describe("origin policy", () => {
  const policy = new OriginPolicy(["https://play.example.com"]);

  it("listed, foreign and missing origins", () => {
    expect(policy.allows("https://play.example.com")).toBe(true);
    expect(policy.allows("HTTPS://PLAY.EXAMPLE.COM:443")).toBe(true);
    expect(policy.allows("https://play.example.com.evil.example")).toBe(false);
    expect(policy.allows("null")).toBe(false);
    expect(policy.allows(undefined)).toBe(true);
    expect(new OriginPolicy(undefined).allows("https://any.example")).toBe(true);
  });

  it("CORS header for allowed origins only", () => {
    expect(policy.corsHeaders("https://play.example.com")["Access-Control-Allow-Origin"]).toBe("https://play.example.com");
    expect(policy.corsHeaders("https://evil.example")["Access-Control-Allow-Origin"]).toBeUndefined();
  });
});

describe("request parsing", () => {
  it("limited route matching", () => {
    expect(limitedRoute("/api/guest")).toBe("guest");
    expect(limitedRoute("/API/Guest/?x=1")).toBe("guest");
    expect(limitedRoute("/api/gu%65st")).toBe("guest");
    expect(limitedRoute("//matchmake/joinOrCreate/arena")).toBe("join");
    expect(limitedRoute("/api/leaderboard")).toBeUndefined();
  });

  it("bearer and basic header parsing", () => {
    expect(bearerToken("Bearer abc.def-ghi_jkl")).toBe("abc.def-ghi_jkl");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(parseBasicAuth(`Basic ${Buffer.from("admin:p:w").toString("base64")}`)).toEqual({ user: "admin", password: "p:w" });
    expect(parseBasicAuth(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toBeUndefined();
    expect(parseBasicAuth("Bearer x")).toBeUndefined();
  });

  it("secret comparison of any length", () => {
    expect(secretsEqual("same", "same")).toBe(true);
    expect(secretsEqual("same", "sam")).toBe(false);
    expect(secretsEqual("", "x".repeat(1000))).toBe(false);
  });
});
