import { randomBytes } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";

/** Claims of a guest token: the player's id (`sub`) and display name. */
export interface GuestClaims {
  playerId: string;
  name: string;
}

/** Why a token was rejected; the code travels to the client, which shows a message for it. */
export type TokenErrorCode = "TOKEN_MISSING" | "TOKEN_INVALID" | "TOKEN_EXPIRED";

export class TokenError extends Error {
  override name = "TokenError";
  readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const ISSUER = "orbit-arena";
const ALGORITHM = "HS256";
/** Guest tokens are a few hundred characters; anything far longer is not one and is not parsed. */
const MAX_TOKEN_LENGTH = 4096;

/** Signs and verifies guest tokens (HS256 JWT). */
export class TokenService {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;

  /** With no secret, a random one is used, so tokens stop working when the process restarts. */
  constructor(secret: string | undefined, ttlSeconds: number) {
    this.#key = secret === undefined ? randomBytes(32) : new TextEncoder().encode(secret);
    this.#ttlSeconds = ttlSeconds;
  }

  async sign(claims: GuestClaims): Promise<string> {
    return new SignJWT({ name: claims.name })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(claims.playerId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.#ttlSeconds}s`)
      .sign(this.#key);
  }

  /** Returns the claims of a valid token; throws TokenError with a code otherwise. */
  async verify(token: unknown): Promise<GuestClaims> {
    return this.#check(token, 0, "token expired; request a new one from POST /api/token/refresh or POST /api/guest");
  }

  /**
   * Returns the claims of a token that is valid or expired by at most `graceSeconds`, so that
   * a returning player can exchange it for a new one and keep their id. The signature and
   * issuer are checked exactly as in `verify`.
   */
  async verifyForRefresh(token: unknown, graceSeconds: number): Promise<GuestClaims> {
    return this.#check(token, graceSeconds, `token expired more than ${graceSeconds} s ago and can no longer be refreshed; create a new guest with POST /api/guest`);
  }

  async #check(token: unknown, toleranceSeconds: number, expiredMessage: string): Promise<GuestClaims> {
    if (typeof token !== "string" || token.length === 0) {
      throw new TokenError("TOKEN_MISSING", "join options must include a token from POST /api/guest");
    }
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenError("TOKEN_INVALID", "token is too long to be a guest token");
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, algorithms: [ALGORITHM], clockTolerance: toleranceSeconds });
      if (typeof payload.sub !== "string" || typeof payload.name !== "string") {
        throw new TokenError("TOKEN_INVALID", "token lacks the player id or name");
      }
      return { playerId: payload.sub, name: payload.name };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError("TOKEN_EXPIRED", expiredMessage);
      throw new TokenError("TOKEN_INVALID", "token is invalid or was signed with another secret");
    }
  }
}
