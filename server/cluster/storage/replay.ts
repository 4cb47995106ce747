// Rebuilds the Raft log from the WAL's record stream (pure logic, no I/O).
//
// The stream may be a suffix of everything ever written (leading segments are deleted after
// compaction), so replay starts from an empty log and accepts the first entry at whatever index
// it has; from then on entries must be contiguous, and any replacement must be announced by a
// truncate or snapshot record. Anything else means records are missing or the writer is broken,
// and is reported as corruption at the record that exposed it.
//
// finish() then lines the log up with the newest snapshot file: entries at or below the
// snapshot index are dropped, and if the log disagrees with the snapshot (wrong term at its
// index, or ends before it) the log is discarded - the case of a crash after an installed
// snapshot's file was written but before its WAL record was.

import type { Entry } from '../../../shared/raft/types.ts';
import { CorruptLogError } from './errors.ts';
import type { WalRecord } from './frames.ts';
import type { RecordLocation } from './wal.ts';

export interface SnapshotPoint {
  readonly index: number;
  readonly term: number;
}

export interface ReplayResult {
  /** Entries after the snapshot index, contiguous from snapshot index + 1. */
  readonly entries: Entry[];
  /** Latest commit record, clamped into [snapshot index, last index]. */
  readonly commit: number;
  /** True when entries were discarded because they disagreed with the snapshot. */
  readonly discardedForSnapshot: boolean;
}

export class LogReplay {
  private entries: Entry[] = [];
  /** Index the next entry record must have; null until the stream fixes it. */
  private expect: number | null = null;
  private commit = 0;
  private firstAt: RecordLocation | null = null;

  apply(record: WalRecord, at: RecordLocation): void {
    switch (record.kind) {
      case 'entry': {
        const i = record.entry.index;
        if (this.expect !== null && i !== this.expect) {
          throw new CorruptLogError(at.segment, at.offset, `entry ${i} where entry ${this.expect} was expected`);
        }
        if (this.entries.length === 0) this.firstAt = at;
        this.entries.push(record.entry);
        this.expect = i + 1;
        return;
      }
      case 'truncate': {
        const first = this.entries[0]?.index;
        if (first === undefined || record.from <= first) {
          this.entries = [];
        } else {
          const last = first + this.entries.length - 1;
          if (record.from > last + 1) {
            throw new CorruptLogError(at.segment, at.offset, `truncate from ${record.from} beyond the last entry ${last}`);
          }
          this.entries.length = record.from - first;
        }
        this.expect = record.from;
        return;
      }
      case 'commit':
        this.commit = record.commit;
        return;
      case 'snapshot': {
        if (!record.keep) {
          this.entries = [];
          this.expect = record.index + 1;
          return;
        }
        // The log was kept past the snapshot: only entries at or below it go. `expect` stays as
        // it is - the entries that follow continue the kept log, which may extend beyond the
        // snapshot in segments already deleted (so the next record need not be index + 1).
        const first = this.entries[0]?.index;
        if (first !== undefined && first <= record.index) this.entries = this.entries.slice(record.index - first + 1);
        return;
      }
    }
  }

  finish(snapshot: SnapshotPoint | null): ReplayResult {
    const s = snapshot?.index ?? 0;
    let entries = this.entries;
    let discarded = false;
    const first = entries[0]?.index;
    if (first !== undefined) {
      const last = first + entries.length - 1;
      if (last < s) {
        entries = [];
        discarded = true;
      } else if (first > s + 1) {
        const at = this.firstAt ?? { segment: '(unknown)', offset: 0 };
        const what = snapshot ? `the snapshot ends at ${s}` : 'there is no snapshot';
        throw new CorruptLogError(at.segment, at.offset, `the log starts at entry ${first} but ${what}: entries ${s + 1}..${first - 1} are missing`);
      } else if (first <= s) {
        const atSnapshot = entries[s - first]!;
        if (snapshot && atSnapshot.term !== snapshot.term) {
          entries = [];
          discarded = true;
        } else {
          entries = entries.slice(s - first + 1);
        }
      }
    }
    const lastIndex = entries.length > 0 ? entries[entries.length - 1]!.index : s;
    return { entries, commit: Math.max(s, Math.min(this.commit, lastIndex)), discardedForSnapshot: discarded };
  }
}
