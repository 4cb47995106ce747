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
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * SHA-256 of a token, remembered: the same few tokens arrive on every request, and hashing two
 * per request was a visible share of the main thread under load. Bounded; a flood of distinct
 * wrong tokens only empties it. (Which strings are cached says nothing about the right token.)
 */
const digests = new Map<string, Buffer>();
function digest(token: string): Buffer {
  let known = digests.get(token);
  if (!known) {
    if (digests.size >= 256) digests.clear();
    known = createHash('sha256').update(token).digest();
    digests.set(token, known);
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
