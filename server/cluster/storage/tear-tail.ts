// The lab's "torn write" fault: half a WAL record left at the end of a stopped node's log, as a
// power cut in the middle of a write leaves it. Recovery must cut it off and say so.
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Appends a frame header announcing 64 bytes of payload, followed by only a few of them.
 *  Returns null when the node has no WAL segment yet. */
export function tearWalTail(dir: string): { segment: string; bytes: number } | null {
  const segments = existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith('wal-') && name.endsWith('.log')).sort() : [];
  const last = segments.at(-1);
  if (!last) return null;
  const torn = Buffer.from([64, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 0x7b, 0x22]);
  appendFileSync(join(dir, last), torn);
  return { segment: last, bytes: torn.length };
}
