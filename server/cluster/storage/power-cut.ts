// A power cut, applied to a stopped node's directory by the main thread (the lab's disk controller),
// as LazyFS's "clear cache" does: what the node had synced stays byte for byte, what it had only
// written is gone. The durability ledger (durability-ledger.ts) says which is which.
//
//   - a WAL segment is cut back to its synced length; one whose name was never durable goes;
//   - hardstate.json goes back to its last durable content if its newest rename was never
//     followed by a directory sync (or goes, if no version of it was ever durable);
//   - a snapshot file that never became durable goes, and so does every temporary file.
//
// With a PRNG, a cut segment may keep a few of its unsynced bytes: a torn first record past the
// synced length, as a disk that wrote part of a page leaves it, so recovery's torn-tail path runs.
// Never a whole record: what survives past the sync is always less than one.

import fs from 'node:fs';
import path from 'node:path';
import { TEMP_SUFFIX } from './atomic-file.ts';
import type { DurabilityLedger } from './durability-ledger.ts';
import { HEADER_BYTES } from './frames.ts';
import { HARD_STATE_FILE } from './hard-state.ts';
import { parseSnapshotFileName } from './snapshots.ts';
import { segmentBase } from './wal.ts';
import type { PowerCutLoss } from '../../../shared/protocol/views.ts';

export interface PowerCutReport {
  /** Bytes the node had written and not synced, now gone (torn bytes left behind not counted). */
  readonly bytesLost: number;
  /** Segments cut back to their synced length, and the torn bytes left past it. */
  readonly truncated: readonly { readonly file: string; readonly from: number; readonly to: number; readonly tornBytes: number }[];
  /** Files whose names never became durable: new segments, snapshots, temporary files. */
  readonly removed: readonly string[];
  /** hardstate.json: as it was (durable), back to its last durable content, removed, or none. */
  readonly hardState: 'durable' | 'rolled-back' | 'removed' | 'none';
}

export const NOTHING_LOST: PowerCutReport = { bytesLost: 0, truncated: [], removed: [], hardState: 'none' };

/**
 * Cuts `dir` back to what `ledger` says is durable. Only for a node whose worker has exited. A
 * ledger no worker has opened yet knows no history: everything then on disk predates this server
 * process and counts as durable.
 */
export function cutPower(dir: string, ledger: DurabilityLedger, random?: () => number): PowerCutReport {
  if (!fs.existsSync(dir) || !ledger.initialized) return NOTHING_LOST;
  if (ledger.overflowed) throw new Error(`the durability ledger of ${dir} overflowed: it cannot say what a power cut keeps`);
  const synced = ledger.syncedSegments();
  const truncated: { file: string; from: number; to: number; tornBytes: number }[] = [];
  const removed: string[] = [];
  let bytesLost = 0;
  let hardState: PowerCutReport['hardState'] = 'none';

  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const base = segmentBase(name);
    const snapshot = parseSnapshotFileName(name);
    if (name.endsWith(TEMP_SUFFIX) || (snapshot && !ledger.hasSnapshot(snapshot.index, snapshot.term))) {
      bytesLost += fs.statSync(file).size;
      fs.rmSync(file);
      removed.push(name);
    } else if (base !== null) {
      const size = fs.statSync(file).size;
      const durable = synced.get(base);
      if (durable === undefined) {
        bytesLost += size;
        fs.rmSync(file);
        removed.push(name);
      } else if (size > durable) {
        const tornBytes = random ? tornLength(file, durable, size, random) : 0;
        fs.truncateSync(file, durable + tornBytes);
        bytesLost += size - durable - tornBytes;
        truncated.push({ file: name, from: size, to: durable + tornBytes, tornBytes });
      }
    } else if (name === HARD_STATE_FILE) {
      const durable = ledger.durableHardState();
      const now = fs.readFileSync(file);
      if (durable === null) {
        bytesLost += now.length;
        fs.rmSync(file);
        hardState = 'removed';
      } else if (!now.equals(durable)) {
        fs.writeFileSync(file, durable);
        hardState = 'rolled-back';
      } else {
        hardState = 'durable';
      }
    }
  }
  return { bytesLost, truncated, removed, hardState };
}

/**
 * How many of the unsynced bytes after `durable` survive: none half the time, else 1 to one less
 * than the first unsynced record's length, read from its header when enough of it is there.
 */
function tornLength(file: string, durable: number, size: number, random: () => number): number {
  if (random() < 0.5) return 0;
  const unsynced = size - durable;
  let recordBytes = Infinity;
  if (unsynced >= 4) {
    const header = Buffer.alloc(4);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, header, 0, 4, durable);
    } finally {
      fs.closeSync(fd);
    }
    recordBytes = HEADER_BYTES + header.readUInt32LE(0);
  }
  const most = Math.min(unsynced, recordBytes - 1);
  return most < 1 ? 0 : 1 + Math.floor(random() * most);
}

/** A cut's report as the page shows it: the bytes lost and, file by file, what happened. */
export function powerCutLoss(report: PowerCutReport): PowerCutLoss {
  const files = [
    ...report.truncated.map((cut) => `${cut.file} cut back ${cut.from - cut.to} B${cut.tornBytes > 0 ? ` (a torn ${cut.tornBytes} B left for recovery to find)` : ''}`),
    ...report.removed.map((name) => `${name} removed (its name was never synced)`),
    ...(report.hardState === 'rolled-back' ? ['hardstate.json rolled back to its last synced content'] : report.hardState === 'removed' ? ['hardstate.json removed (never synced)'] : []),
  ];
  return { bytes: report.bytesLost, files: files.slice(0, 64) };
}
