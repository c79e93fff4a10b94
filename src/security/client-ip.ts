import { isIPv4, isIPv6 } from "node:net";

/**
 * Returns the address a request is attributed to, for rate limits and logs. Behind a reverse
 * proxy every connection comes from the proxy, so with `trustProxy` the address the proxy
 * appended to X-Forwarded-For is used instead. Only the last entry counts, because the proxy
 * appends the peer it saw and every earlier entry was written by the client. This assumes
 * exactly one trusted proxy in front of the server.
 */
export function resolveClientIp(remoteAddress: string, forwardedFor: string | null | undefined, trustProxy: boolean): string {
  if (trustProxy && forwardedFor) {
    const last = forwardedFor.split(",").at(-1)?.trim() ?? "";
    const forwarded = normalizeIp(last);
    if (forwarded !== undefined) return forwarded;
  }
  return normalizeIp(remoteAddress) ?? remoteAddress;
}

/**
 * Returns the canonical text of an IPv4 or IPv6 address, or undefined when `raw` is neither.
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, as a dual-stack socket reports IPv4 peers)
 * become plain IPv4. uWebSockets.js reports IPv6 peers as eight full hextets.
 */
export function normalizeIp(raw: string): string | undefined {
  const address = raw.trim().replace(/^\[|\]$/g, "");
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return undefined;
  const hextets = expandIpv6(address);
  if (hextets.slice(0, 5).every((part) => part === 0) && hextets[5] === 0xffff) {
    const high = hextets[6] ?? 0;
    const low = hextets[7] ?? 0;
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return hextets.map((part) => part.toString(16)).join(":");
}

/**
 * Returns the key an address is rate limited under. An IPv6 subscriber usually gets a whole
 * /64, so limiting single IPv6 addresses would let one client rotate through billions of keys.
 */
export function rateLimitKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  return `${ip.split(":").slice(0, 4).join(":")}::/64`;
}

/** Expands a valid IPv6 address (possibly with `::` and an IPv4 tail) into eight numbers. */
function expandIpv6(address: string): number[] {
  let text = address;
  const ipv4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (ipv4Tail !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Tail.split(".").map(Number);
    text = `${text.slice(0, -ipv4Tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array.from({ length: missing }, () => "0"), ...tailParts];
  return parts.map((part) => Number.parseInt(part, 16));
}
