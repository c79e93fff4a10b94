import type { BeforeUpgradeHandler } from "@colyseus/core";
import type { Config } from "../config/env.ts";
import type { Logger } from "../logger.ts";
import { installCorsPolicy } from "./cors.ts";
import { HttpGate } from "./http-gate.ts";
import { OriginPolicy } from "./origin-policy.ts";
import { loadTlsFiles, type TlsFiles } from "./tls-files.ts";
import { originUpgradeGuard } from "./upgrade-guard.ts";

/** The settings of a game node that shape its transport. */
export type TransportSettings = Pick<
  Config,
  | "NODE_ENV"
  | "HOST"
  | "MAX_MESSAGE_BYTES"
  | "TLS_CERT_FILE"
  | "TLS_KEY_FILE"
  | "ALLOWED_ORIGINS"
  | "TRUST_PROXY"
  | "GUEST_RATE_PER_MINUTE"
  | "JOIN_RATE_PER_MINUTE"
  | "RATE_LIMIT_LOOPBACK"
>;

/** Controls the transport enforces, built once from the settings. */
export interface TransportSecurity {
  maxMessageBytes: number;
  host: string | undefined;
  tls: TlsFiles | undefined;
  gate: HttpGate | undefined;
  beforeUpgrade: BeforeUpgradeHandler | undefined;
}

/** Defaults for callers without settings (the benchmark's bare server): Colyseus's frame limit, nothing else. */
export const UNGUARDED_TRANSPORT: TransportSecurity = { maxMessageBytes: 4096, host: undefined, tls: undefined, gate: undefined, beforeUpgrade: undefined };

/**
 * Builds the transport's controls from the settings: TLS files (checked now, so a bad path
 * stops the start), the origin policy for upgrades and CORS, and the HTTP gate with its rate
 * limits. Installs the CORS policy process-wide as a side effect.
 */
export function buildTransportSecurity(settings: TransportSettings, log: Logger): TransportSecurity {
  const tls = settings.TLS_CERT_FILE && settings.TLS_KEY_FILE ? loadTlsFiles(settings.TLS_CERT_FILE, settings.TLS_KEY_FILE) : undefined;
  if (tls) {
    log.info({ certFile: tls.certFile, subject: tls.subject, validTo: tls.validTo.toISOString() }, "TLS on: serving HTTPS and WSS only");
    if (tls.validTo.getTime() < Date.now()) log.warn({ certFile: tls.certFile, validTo: tls.validTo.toISOString() }, "TLS certificate has expired; clients will reject it");
  }

  const origins = new OriginPolicy(settings.ALLOWED_ORIGINS);
  if (!origins.restricted && settings.NODE_ENV === "production") {
    log.warn("ALLOWED_ORIGINS is not set: web pages of every site may call the API and open game connections from their visitors' browsers; set it to the origins that serve your client");
  }
  installCorsPolicy(origins);

  const gate = new HttpGate({
    origins,
    trustProxy: settings.TRUST_PROXY,
    guestPerMinute: settings.GUEST_RATE_PER_MINUTE,
    joinPerMinute: settings.JOIN_RATE_PER_MINUTE,
    limitLoopback: settings.RATE_LIMIT_LOOPBACK,
    log,
  });
  const anyHost = settings.HOST === "0.0.0.0" || settings.HOST === "::";
  return { maxMessageBytes: settings.MAX_MESSAGE_BYTES, host: anyHost ? undefined : settings.HOST, tls, gate, beforeUpgrade: originUpgradeGuard(origins, log) };
}
