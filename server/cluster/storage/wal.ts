// The write-ahead log: an ordered list of segment files "wal-<16-digit base index>.log", each a
// sequence of frames (frames.ts). Only the last segment is ever written, and only by appending;
// old bytes are never rewritten (an overwrite of the log is itself a record). A segment is
// rolled when the next batch would push it past segmentBytes.
//
// A segment's name is the index of the first entry written to it, bumped if needed so that names
// always increase: after a truncation back into an older segment's range the natural name would
// sort before that segment, and file order is the log's order.
//
// Recovery (Wal.open) verifies every frame and decides what a bad frame means:
//   - in the last segment with no valid frame after it: a torn tail from a crash mid-write.
//     It was never acknowledged (the fdatasync had not returned), so it is cut off (ftruncate +
//     fsync) and reported.
//   - anywhere else: durable data was damaged. Throw CorruptLogError; never skip it.
// Then it syncs the last segment: what a killed predecessor wrote but never synced is still in the
// page cache, and the node is about to acknowledge it (a heartbeat's answer needs no new write).
//
// Only the last segment can hold unsynced bytes (a commit-only batch is written without a sync):
// rolling syncs the old one first, so a power cut can never tear a record in an older segment,
// where recovery would have to refuse it as damage. After every sync the ledger hears what is
// durable (durability-ledger.ts).
//
// A batch's fdatasync may run off the node's thread, on libuv's pool (append's `later`): the node
// steps, parses and answers reads while its disk flushes, and hears when the batch is durable. The
// segment counts those bytes as synced (and the ledger hears of them) only when the sync returns,
// so a power cut meanwhile cuts them, as it would cut bytes whose fdatasync had not returned.

import fs from 'node:fs';
import path from 'node:path';
import { writeFully, fsyncDir } from './atomic-file.ts';
import { NO_LEDGER, type DiskLedger } from './durability-ledger.ts';
import { CorruptLogError } from './errors.ts';
import { asDiskFailure, diskCall } from './disk-errors.ts';
import { isDiskFull, type SyncDone } from '../../../shared/node/disk.ts';
import { decodeRecord, encodeRecords, findValidFrame, readFrame } from './frames.ts';
import type { WalRecord } from './frames.ts';

export interface SegmentInfo {
  readonly name: string;
  readonly bytes: number;
  /** Of `bytes`, those a sync made durable (the rest: a commit-only batch, lost in a power cut). */
  readonly synced: number;
  readonly records: number;
  /** Smallest / largest entry index written to this segment (null: no entry records). */
  readonly firstIndex: number | null;
  readonly lastIndex: number | null;
}

export interface TornTail {
  readonly segment: string;
  readonly offset: number;
  readonly bytesTruncated: number;
  readonly reason: string;
}

export interface RecordLocation {
  readonly segment: string;
  readonly offset: number;
}

export interface AppendResult {
  readonly bytes: number;
  readonly fsyncMs: number;
  readonly rolled: boolean;
  /** Whether the batch was fdatasync'ed (false when the caller asked for no sync, or for it later). */
  readonly synced: boolean;
  /** The batch's fdatasync is running off the thread; `later` hears when it is durable. */
  readonly deferred: boolean;
}

interface Segment {
  readonly name: string;
  readonly base: number;
  bytes: number;
  /** Bytes made durable by a sync: `bytes` less a trailing unsynced commit-only batch. */
  synced: number;
  records: number;
  firstIndex: number | null;
  lastIndex: number | null;
}

const SEGMENT_NAME = /^wal-(\d{16})\.log$/;

export function segmentFileName(base: number): string {
  return `wal-${String(base).padStart(16, '0')}.log`;
}

export function isSegmentFileName(name: string): boolean {
  return SEGMENT_NAME.test(name);
}

/** The base index a segment's name carries, or null for a name that is not a segment's. */
export function segmentBase(name: string): number | null {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : null;
}

function noteEntries(seg: Segment, records: readonly WalRecord[]): void {
  for (const r of records) {
    if (r.kind !== 'entry') continue;
    const i = r.entry.index;
    seg.firstIndex = seg.firstIndex === null ? i : Math.min(seg.firstIndex, i);
    seg.lastIndex = seg.lastIndex === null ? i : Math.max(seg.lastIndex, i);
  }
}

export class Wal {
  /** Open segments in log order; the last one is the one appended to. */
  private readonly segs: Segment[];
  /** Write descriptor of the last segment, or null before the first append. */
  private fd: number | null;
  private broken: Error | null = null;
  /** Syncs running off the thread, per descriptor: a rolled-away segment's fd closes after its own. */
  private readonly syncsRunning = new Map<number, number>();
  private readonly closeWhenSynced = new Set<number>();

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    segs: Segment[],
    fd: number | null,
    private readonly ledger: DiskLedger,
  ) {
    this.segs = segs;
    this.fd = fd;
  }

  /**
   * Verifies and replays every segment in order, calling `visit` for each record. Truncates a
   * torn tail of the last segment; throws CorruptLogError for damage anywhere else (and passes
   * through whatever `visit` throws).
   */
  static open(
    dir: string,
    segmentBytes: number,
    visit: (record: WalRecord, at: RecordLocation) => void,
    ledger: DiskLedger = NO_LEDGER,
  ): { wal: Wal; tornTail: TornTail | null; records: number } {
    const names = fs.readdirSync(dir).filter(isSegmentFileName).sort();
    const segs: Segment[] = [];
    let tornTail: TornTail | null = null;
    let total = 0;
    names.forEach((name, n) => {
      const isLast = n === names.length - 1;
      const buf = fs.readFileSync(path.join(dir, name));
      const seg: Segment = { name, base: Number(SEGMENT_NAME.exec(name)![1]), bytes: 0, synced: 0, records: 0, firstIndex: null, lastIndex: null };
      let offset = 0;
      while (offset < buf.length) {
        const frame = readFrame(buf, offset);
        if (!frame.ok) {
          if (!isLast) throw new CorruptLogError(name, offset, `${frame.detail} (not the last segment)`);
          const next = findValidFrame(buf, offset + 1);
          if (next >= 0) throw new CorruptLogError(name, offset, `${frame.detail}; a valid record follows at byte ${next}`);
          tornTail = { segment: name, offset, bytesTruncated: buf.length - offset, reason: `${frame.problem}: ${frame.detail}` };
          break;
        }
        const record = decodeRecord(frame.type, frame.payload);
        if (typeof record === 'string') throw new CorruptLogError(name, offset, record);
        visit(record, { segment: name, offset });
        noteEntries(seg, [record]);
        seg.records++;
        total++;
        offset = frame.end;
      }
      seg.bytes = offset;
      seg.synced = offset;
      segs.push(seg);
    });

    let fd: number | null = null;
    const last = segs[segs.length - 1];
    if (last) {
      const lastFd = fs.openSync(path.join(dir, last.name), 'r+');
      fd = lastFd;
      if (tornTail) {
        // Cut the torn bytes so the next append starts on a frame boundary; fsync (not just
        // fdatasync) because the change is to the file size.
        ledger.beforeSync(last.name, 'fsync');
        fs.ftruncateSync(lastFd, last.bytes);
        diskCall('fsync', last.name, () => fs.fsyncSync(lastFd));
      } else {
        ledger.beforeSync(last.name, 'fdatasync');
        diskCall('fdatasync', last.name, () => fs.fdatasyncSync(lastFd));
      }
      ledger.segmentSynced(last.base, last.bytes);
    }
    return { wal: new Wal(dir, segmentBytes, segs, fd, ledger), tornTail, records: total };
  }

  /**
   * Appends a batch with one write and one fdatasync (group commit). `base` names a new segment
   * if one is started: the first entry index of the batch (or the next index when it has none).
   * `forceRoll` starts a new segment even if the current one has room (used when an installed
   * snapshot discards the whole log, so every older segment becomes deletable at once).
   * `sync` false skips the fdatasync (for records whose loss in a crash is harmless); the next
   * synced append flushes them too. A new segment's directory entry is synced regardless.
   */
  append(records: readonly WalRecord[], base: number, forceRoll: boolean, sync = true, later?: (result: SyncDone) => void): AppendResult {
    this.checkUsable();
    const buf = encodeRecords(records);
    try {
      let rolled = false;
      let seg = this.segs[this.segs.length - 1];
      if (!seg || this.fd === null || (seg.bytes > 0 && (forceRoll || seg.bytes + buf.length > this.segmentBytes))) {
        seg = this.roll(base);
        rolled = true;
      }
      const fd = this.fd!;
      const name = seg.name;
      this.ledger.beforeWrite(name, true);
      diskCall('write', name, () => writeFully(fd, buf, seg.bytes));
      let fsyncMs = 0;
      const deferred = sync && later !== undefined;
      if (sync) {
        // Timed from before the ledger: a slow disk's wait (fault-injection.ts) is sync time.
        const t0 = performance.now();
        this.ledger.beforeSync(name, 'fdatasync');
        if (later) this.syncLater(fd, seg, seg.bytes + buf.length, t0, later);
        else diskCall('fdatasync', name, () => fs.fdatasyncSync(fd));
        fsyncMs = deferred ? 0 : performance.now() - t0;
      }
      // A new file's directory entry must be durable too, or the whole segment can vanish.
      if (rolled) fsyncDir(this.dir, this.ledger);
      seg.bytes += buf.length;
      if (sync && !deferred) seg.synced = seg.bytes;
      // Only now may the ledger say so; a new segment counts once its name is durable.
      if ((sync && !deferred) || rolled) this.ledger.segmentSynced(seg.base, seg.synced);
      seg.records += records.length;
      noteEntries(seg, records);
      return { bytes: buf.length, fsyncMs, rolled, synced: sync && !deferred, deferred };
    } catch (err) {
      // After a failed write or fsync the kernel's view of the file is unknown (the page cache
      // may have dropped dirty pages); refuse further appends. Reopening re-verifies the disk.
      // ENOSPC is the exception: the write kept nothing the log counts (seg.bytes did not move, so
      // a retry writes over whatever part of it landed), and the same batch may come again.
      if (!isDiskFull(err)) this.broken = err as Error;
      throw err;
    }
  }

  /** The fdatasync of `seg` up to `upTo` bytes on libuv's pool; `done` on this thread when it returns. */
  private syncLater(fd: number, seg: Segment, upTo: number, t0: number, done: (result: SyncDone) => void): void {
    this.syncsRunning.set(fd, (this.syncsRunning.get(fd) ?? 0) + 1);
    fs.fdatasync(fd, (error) => {
      const left = this.syncsRunning.get(fd)! - 1;
      if (left > 0) this.syncsRunning.set(fd, left);
      else {
        this.syncsRunning.delete(fd);
        if (this.closeWhenSynced.delete(fd)) fs.closeSync(fd);
      }
      if (error) {
        // As after a failed synchronous fdatasync: what the file holds is unknown, so no more appends.
        const failure = asDiskFailure(error, 'fdatasync', seg.name);
        this.broken ??= failure as Error;
        done({ error: failure });
        return;
      }
      seg.synced = Math.max(seg.synced, upTo);
      // (A segment deleted meanwhile, covered by a snapshot, is not brought back into the ledger.)
      if (this.segs.includes(seg)) this.ledger.segmentSynced(seg.base, seg.synced);
      done({ fsyncMs: performance.now() - t0 });
    });
  }

  /** Closes a descriptor now, or once the syncs running on it have returned. */
  private closeFd(fd: number): void {
    if (this.syncsRunning.has(fd)) this.closeWhenSynced.add(fd);
    else fs.closeSync(fd);
  }

  private roll(base: number): Segment {
    const prev = this.segs[this.segs.length - 1];
    if (prev && this.fd !== null && prev.synced < prev.bytes) {
      // A commit-only batch at its end was never synced; sync it before it stops being the last
      // segment, or a power cut could leave a torn record in the middle of the log.
      const fd = this.fd;
      this.ledger.beforeSync(prev.name, 'fdatasync');
      diskCall('fdatasync', prev.name, () => fs.fdatasyncSync(fd));
      prev.synced = prev.bytes;
      this.ledger.segmentSynced(prev.base, prev.bytes);
    }
    const name = segmentFileName(prev ? Math.max(base, prev.base + 1) : base);
    this.ledger.beforeWrite(name, true);
    // 'wx' = O_CREAT | O_EXCL: never clobber an existing segment.
    const fd = diskCall('open', name, () => fs.openSync(path.join(this.dir, name), 'wx'));
    if (this.fd !== null) this.closeFd(this.fd);
    this.fd = fd;
    const seg: Segment = { name, base: Number(SEGMENT_NAME.exec(name)![1]), bytes: 0, synced: 0, records: 0, firstIndex: null, lastIndex: null };
    this.segs.push(seg);
    return seg;
  }

  /**
   * Deletes leading segments, never the active one, while `covered(segment)` holds. Only a
   * prefix is removed so that what remains is a suffix of the record stream, which replays to
   * the same log above the snapshot index. Returns the deleted names; the caller fsyncs the dir.
   */
  deleteLeading(covered: (seg: SegmentInfo) => boolean): string[] {
    this.checkUsable();
    const deleted: string[] = [];
    while (this.segs.length > 1 && covered(this.segs[0]!)) {
      const seg = this.segs.shift()!;
      fs.unlinkSync(path.join(this.dir, seg.name));
      this.ledger.segmentDeleted(seg.base);
      deleted.push(seg.name);
    }
    return deleted;
  }

  segments(): SegmentInfo[] {
    return this.segs.map((s) => ({ name: s.name, bytes: s.bytes, synced: s.synced, records: s.records, firstIndex: s.firstIndex, lastIndex: s.lastIndex }));
  }

  close(): void {
    if (this.fd !== null) {
      this.closeFd(this.fd);
      this.fd = null;
    }
    this.broken ??= new Error('WAL is closed');
  }

  private checkUsable(): void {
    if (this.broken) throw new Error(`WAL unusable: ${this.broken.message}`, { cause: this.broken });
  }
}
