// Control tokens: one per cluster, shown once to whoever created it. Watching needs none;
// controlling (commands, Vault reads and writes, deleting the cluster) needs the cluster's token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 24 random bytes, URL-safe: fits in a URL fragment and a header without escaping. */
export function generateToken(): string {
  return `rl_${randomBytes(24).toString('base64url')}`;
}

/** A token someone chose (--token, RAFTLAB_TOKEN): printable, no spaces, bounded. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{8,200}$/;

/** Constant-time comparison of two tokens (hashed first, so lengths do not leak either). */
export function tokensMatch(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  return timingSafeEqual(digest(presented), expectedDigest(expected));
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The digests of the few tokens this server issued, computed once instead of per request. */
const issuedDigests = new Map<string, Buffer>();
function expectedDigest(token: string): Buffer {
  let known = issuedDigests.get(token);
  if (!known) {
    if (issuedDigests.size > 1000) issuedDigests.clear(); // clusters come and go; stay bounded
    known = digest(token);
    issuedDigests.set(token, known);
  }
  return known;
}

/**
 * The token a request presents: `X-Vault-Token` (Vault clients and the REST API) or
 * `Authorization: Bearer …` (REST). Query strings are not accepted here: URLs end up in logs.
 */
export function presentedToken(request: IncomingMessage): string | null {
  const vault = request.headers['x-vault-token'];
  if (typeof vault === 'string' && vault !== '') return vault;
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match) return match[1]!;
  }
  return null;
}
