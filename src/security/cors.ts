import { matchMaker } from "@colyseus/core";
import type { OriginPolicy } from "./origin-policy.ts";

type CorsDefaults = Partial<typeof matchMaker.controller.DEFAULT_CORS_HEADERS>;

// Colyseus's own settings, captured once so a server started later in the same process
// without an origin list gets them back.
const COLYSEUS_DEFAULTS = { ...matchMaker.controller.DEFAULT_CORS_HEADERS };
const COLYSEUS_GET_CORS_HEADERS = matchMaker.controller.getCorsHeaders;

/**
 * Applies the origin policy to the CORS headers of every HTTP response. Both transports add
 * Colyseus's controller headers to matchmaking and express responses alike, so this one hook
 * covers the whole HTTP API. Colyseus's default echoes any Origin with credentials allowed.
 * With a list, a disallowed origin gets no Access-Control-Allow-Origin header at all.
 *
 * The controller is process-wide, like the rest of Colyseus's matchmaker state.
 */
export function installCorsPolicy(policy: OriginPolicy): void {
  const controller = matchMaker.controller;
  if (!policy.restricted) {
    controller.DEFAULT_CORS_HEADERS = { ...COLYSEUS_DEFAULTS };
    controller.getCorsHeaders = COLYSEUS_GET_CORS_HEADERS;
    return;
  }
  const defaults: CorsDefaults = { ...COLYSEUS_DEFAULTS };
  delete defaults["Access-Control-Allow-Origin"];
  // Colyseus types every default header as present, but both transports only copy the
  // object's own keys into the response, so a missing key means a missing header.
  controller.DEFAULT_CORS_HEADERS = defaults as typeof COLYSEUS_DEFAULTS;
  controller.getCorsHeaders = (headers: Headers) => policy.corsHeaders(headers.get("origin"));
}
