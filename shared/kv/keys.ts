// The one rule for a key, applied wherever a key comes from: a write (REST, Vault API, page), a
// log entry being applied, a restored snapshot image. A key that passes can be read, listed and
// deleted by every API afterwards; one that fails is refused whole, never stored.
import { MAX_KEY_BYTES, utf8Length } from './limits.ts';

/** Letters, digits and `. _ - /`: safe in a URL path, a file name and a log line as they are. */
const KEY_CHARACTERS = /^[A-Za-z0-9._\-/]+$/;

/** Why `key` is not a valid key, or null when it is. */
export function keyProblem(key: string): string | null {
  if (key.length === 0) return 'the key is empty';
  const bytes = utf8Length(key);
  if (bytes > MAX_KEY_BYTES) return `the key is ${bytes} bytes; the limit is ${MAX_KEY_BYTES}`;
  if (!KEY_CHARACTERS.test(key)) return 'a key uses only letters, digits and . _ - /';
  for (const segment of key.split('/')) {
    if (segment === '') return 'a key has no empty path segment (no leading, trailing or double "/")';
    if (segment === '.' || segment === '..') return 'a key may not contain . or .. segments';
  }
  return null;
}
