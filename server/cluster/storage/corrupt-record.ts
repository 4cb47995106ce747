// A latent sector error, played on a node's real files: one bit flips in a synced record in the
// middle of its write-ahead log (never the last record: a damaged tail is what a crash leaves, and
// recovery rightly cuts it). The running node does not notice (it never reads its log back); the
// next recovery meets the record, finds its CRC wrong with a valid record after it, and refuses the
// log with the segment and the offset (wal.ts, CorruptLogError). The node can then be wiped and
// caught up by the leader. Done by the main thread, as the disk itself would: it writes the flipped
// byte with its own descriptor and syncs it.
import fs from 'node:fs';
import path from 'node:path';
import type { Prng } from '../../../shared/net/prng.ts';
import type { DurabilityLedger } from './durability-ledger.ts';
import { HEADER_BYTES, readFrame } from './frames.ts';
import { isSegmentFileName, segmentBase } from './wal.ts';

export interface FlippedBit {
  readonly segment: string;
  /** Where the damaged record starts (what recovery will name), and the byte that flipped. */
  readonly offset: number;
  readonly byte: number;
  readonly bit: number;
}

/** Flips one bit in a synced record mid-log; null when the log holds fewer than two records. */
export function corruptSyncedRecord(dir: string, ledger: DurabilityLedger, random: Prng): FlippedBit | null {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter(isSegmentFileName).sort() : [];
  const synced = ledger.initialized ? ledger.syncedSegments() : null;
  const candidates: { segment: string; offset: number; payload: number; length: number }[] = [];
  names.forEach((name, n) => {
    const buf = fs.readFileSync(path.join(dir, name));
    const durable = synced ? (synced.get(segmentBase(name)!) ?? 0) : buf.length;
    const found: { segment: string; offset: number; payload: number; length: number }[] = [];
    for (let offset = 0; offset < buf.length; ) {
      const frame = readFrame(buf, offset);
      if (!frame.ok) break;
      if (frame.end <= durable) found.push({ segment: name, offset, payload: offset + HEADER_BYTES, length: frame.end - offset - HEADER_BYTES });
      offset = frame.end;
    }
    // In the last segment, a valid record must follow the damaged one, or recovery would read it
    // as a torn tail and cut it: the last record there is never a candidate.
    if (n === names.length - 1) found.pop();
    candidates.push(...found.filter((record) => record.length > 0));
  });
  if (candidates.length === 0) return null;
  const record = candidates[Math.floor(random() * candidates.length)]!;
  const byte = record.payload + Math.floor(random() * record.length);
  const bit = Math.floor(random() * 8);
  const fd = fs.openSync(path.join(dir, record.segment), 'r+');
  try {
    const one = Buffer.alloc(1);
    fs.readSync(fd, one, 0, 1, byte);
    one[0] = one[0]! ^ (1 << bit);
    fs.writeSync(fd, one, 0, 1, byte);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { segment: record.segment, offset: record.offset, byte, bit };
}
