// A cluster's value digest: what a watcher without the token sees instead of a value. Keyed with a
// secret of the cluster's own (HMAC-SHA256), so "‹hidden 3f2a9c1b0e›" cannot be looked up in a
// table of likely values; 40 bits, so distinct values in one cluster's lifetime do not collide in
// practice (the page's checkers compare digests as they would compare values).
import { createHmac, randomBytes } from 'node:crypto';
import { digestText, type ValueDigest } from '../../shared/protocol/redact.ts';

/** Digests remembered per cluster: the same value arrives many times (log, apply, history). */
const CACHE = 4096;

export function createValueDigest(): ValueDigest {
  const secret = randomBytes(32);
  const known = new Map<string, string>();
  return (value) => {
    let digest = known.get(value);
    if (digest === undefined) {
      if (known.size >= CACHE) known.clear();
      digest = digestText(createHmac('sha256', secret).update(value).digest('hex').slice(0, 10));
      known.set(value, digest);
    }
    return digest;
  };
}
