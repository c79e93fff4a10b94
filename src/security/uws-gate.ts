import { STATUS_CODES } from "node:http";
import type { HttpRequest, HttpResponse, TemplatedApp } from "uWebSockets.js";
import type { HttpGate } from "./http-gate.ts";

/**
 * Puts the gate in front of the uWebSockets.js transport's HTTP routes. Colyseus serves
 * matchmaking and express from one `any("/*")` route. uWebSockets.js tries method-specific
 * routes first, so these handlers get every state-changing request, and `setYield(true)`
 * passes the allowed ones on to Colyseus's route.
 */
export function installUwsGate(app: TemplatedApp, gate: HttpGate): void {
  const handler = (res: HttpResponse, req: HttpRequest): void => {
    const rejection = gate.check({
      method: req.getMethod(),
      url: req.getUrl(),
      origin: req.getHeader("origin") || undefined,
      forwardedFor: req.getHeader("x-forwarded-for") || undefined,
      remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
    });
    if (rejection === undefined) {
      req.setYield(true);
      return;
    }
    res.cork(() => {
      res.writeStatus(`${rejection.status} ${STATUS_CODES[rejection.status] ?? ""}`);
      for (const [name, value] of Object.entries(rejection.headers)) res.writeHeader(name, value);
      res.end(rejection.body);
    });
  };
  app.post("/*", handler);
  app.put("/*", handler);
  app.patch("/*", handler);
  app.del("/*", handler);
}
