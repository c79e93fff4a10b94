import type { Request, Response } from "express";
import { bearerToken } from "../../auth/bearer.ts";
import { TokenError, type TokenService } from "../../auth/tokens.ts";
import type { Logger } from "../../logger.ts";
import { sendError } from "./http-errors.ts";

export interface TokenRefreshDeps {
  tokens: TokenService;
  /** How long after expiry a token may still be refreshed, in seconds. */
  graceSeconds: number;
  log: Logger;
}

/**
 * `POST /api/token/refresh` with `Authorization: Bearer <token>`: returns a new token for the
 * same player when the old one is valid or expired within the grace period. The token travels
 * in the header rather than the body so that access logs and proxies treat it as a credential.
 */
export function tokenRefreshHandler(deps: TokenRefreshDeps) {
  return async (req: Request, res: Response) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="orbit-arena"');
      sendError(res, 401, "TOKEN_MISSING", "send the token to refresh as the header Authorization: Bearer <token>");
      return;
    }
    let claims;
    try {
      claims = await deps.tokens.verifyForRefresh(token, deps.graceSeconds);
    } catch (error) {
      if (!(error instanceof TokenError)) {
        deps.log.error({ err: error }, "token refresh check failed");
        sendError(res, 503, "UNAVAILABLE", "could not check the token; try again shortly");
        return;
      }
      deps.log.debug({ code: error.code }, "token refresh rejected");
      res.setHeader("WWW-Authenticate", 'Bearer realm="orbit-arena", error="invalid_token"');
      sendError(res, 401, error.code, error.message);
      return;
    }
    try {
      const refreshed = await deps.tokens.sign(claims);
      deps.log.info({ playerId: claims.playerId }, "guest token refreshed");
      res.status(200).json({ playerId: claims.playerId, name: claims.name, token: refreshed });
    } catch (error) {
      deps.log.error({ playerId: claims.playerId, err: error }, "token refresh failed");
      sendError(res, 503, "UNAVAILABLE", "could not refresh the token; try again shortly");
    }
  };
}
