// Bounds on what one KV command may carry. Every input from outside is checked against these at
// the boundary (decodeCommand), and again on apply, because a log may hold anything a buggy or old
// proposer wrote and apply must never crash a node.

/** Longest key, in UTF-8 bytes (Vault's own limit is larger; this keeps the lab's disks small). */
export const MAX_KEY_BYTES = 512;
/** Largest value, measured as the UTF-8 bytes of the JSON text of `data`. */
export const MAX_VALUE_BYTES = 64 * 1024;
/** Longest client id in a session, in UTF-8 bytes. */
export const MAX_CLIENT_ID_BYTES = 128;
/** Client sessions remembered; the least recently used client is forgotten beyond this. */
export const MAX_CLIENT_SESSIONS = 10_000;
/** Versions kept per key, as Vault KV v2's default `max_versions` (older ones are dropped). */
export const MAX_VERSIONS_PER_KEY = 10;
/** The highest version a key reaches; a write past it is refused (`version-limit`). Far beyond any
 *  real use, and small enough that every version stays an exact integer in JSON and JavaScript. */
export const MAX_KEY_VERSION = 2 ** 32 - 1;
/** The latest time a command or a snapshot may carry: 9999-12-31T23:59:59.999Z, as ms since the
 *  epoch. Later times cannot all be written as an ISO date (Vault's metadata shows them so). */
export const MAX_TIME_MS = 253_402_300_799_999;
/** Keys the store holds at most; a put of a new key beyond this is refused, never a crash. */
export const MAX_KEYS = 100_000;

/** UTF-8 length without TextEncoder allocations (apply runs thousands of times a second in sim). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Largest store image a restore command may carry (it travels through the log as one entry). */
export const MAX_RESTORE_BYTES = 8 * 1024 * 1024;
