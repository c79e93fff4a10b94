/**
 * Returns the token of an `Authorization: Bearer <token>` header, or undefined when the header
 * is absent, uses another scheme or carries no token. The scheme is case-insensitive (RFC 9110).
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return match?.[1];
}
