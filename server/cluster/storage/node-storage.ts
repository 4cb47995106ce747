// NodeStorage: the durable state of one Raft node in one directory, driven by the worker thread
// that hosts the node with synchronous writes. Two things run on libuv's pool instead: a batch's
// WAL fdatasync when persist is given `later` (the worker's disk does: the node steps and parses
// while its disk flushes, and hears when the batch is durable), and the snapshot file of a
// background compaction (compactInBackground), because 26 MB would stop the node for a quarter of
// a second; the log is trimmed only once that file is durable.
//
// Directory layout:
//   wal-<16-digit base>.log                 write-ahead log segments (format in frames.ts)
//   hardstate.json                          term + vote (hard-state.ts)
//   snap-<16-digit index>-<16-digit term>.json   newest snapshot (snapshots.ts)
//   *.tmp                                   interrupted atomic writes; deleted on open
//
// persist() order, chosen so that whatever prefix of it survives a crash is a valid state:
//   1. hardstate.json, if term or vote changed. First, so entries of term T are never durable
//      while the stored term is still below T.
//   2. the snapshot file, if one was installed. Before the WAL's snapshot record, so replay never
//      meets a record pointing at a snapshot that does not exist (the reverse crash window - file
//      written, record not - is resolved on open by checking the log against the snapshot).
//   3. one WAL write holding [snapshot record][truncate record][entries...][commit record] and
//      ONE fdatasync: group commit, so a Ready batch costs one disk flush however many entries
//      it carries. A batch whose only record is the commit index is written WITHOUT fdatasync
//      (etcd's mustSync): the commit index is a hint, not a promise. Losing it in a crash only
//      makes the node restart with an older commit index (never a wrong one: it was only ever
//      written for entries already durable and committed), which the leader raises again; and
//      the next synced batch makes it durable anyway, since fdatasync flushes the whole file.
//   4. deletion of files the new snapshot makes redundant, then one directory fsync.
//
// What each sync made durable is told to the ledger, if the node keeps one (durability-ledger.ts):
// a power cut cuts the files back to that, where a kill leaves them as the page cache has them.

import fs from 'node:fs';
import path from 'node:path';
import type { Entry, HardState, Snapshot } from '../../../shared/raft/types.ts';
import { TEMP_SUFFIX, fsyncDir } from './atomic-file.ts';
import { NO_LEDGER, type DiskLedger, type DirectoryFound } from './durability-ledger.ts';
import type { WalRecord } from './frames.ts';
import { HARD_STATE_FILE, readHardState, writeHardState } from './hard-state.ts';
import type { TermVote } from './hard-state.ts';
import { LogReplay } from './replay.ts';
import { parseSnapshotFileName, readSnapshot, removeSnapshotsExcept, snapshotFilesNewestFirst, writeSnapshot, writeSnapshotPrepared } from './snapshots.ts';
import type { PreparedSnapshotData, SnapshotFileInfo } from './snapshots.ts';
import type { DiskInfo, PersistBatch, PersistStats, RecoveryReport, RestoredState, StorageOptions } from './types.ts';
import { Wal, segmentBase } from './wal.ts';
import { isDiskFull, type SyncDone } from '../../../shared/node/disk.ts';

export const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;

export class NodeStorage {
  private termVote: TermVote;
  private hardStateBytes: number;
  /** Latest commit index written to the WAL (clamped into the log when reported). */
  private commit: number;
  private snap: SnapshotFileInfo | null;
  /** Terms of the stored entries snapIndex+1 .. lastIndex: enough to detect overwrites and to
   *  check an incoming snapshot against the log without keeping entry data in memory twice. */
  private terms: number[];
  private failure: Error | null = null;

  private constructor(
    private readonly dir: string,
    private readonly wal: Wal,
    private readonly ledger: DiskLedger,
    init: { termVote: TermVote; hardStateBytes: number; commit: number; snap: SnapshotFileInfo | null; terms: number[] },
  ) {
    this.termVote = init.termVote;
    this.hardStateBytes = init.hardStateBytes;
    this.commit = init.commit;
    this.snap = init.snap;
    this.terms = init.terms;
  }

  /** Opens (creating if missing) the node directory and recovers its state. */
  static open(dir: string, options: StorageOptions = {}): { storage: NodeStorage; restored: RestoredState; recovery: RecoveryReport } {
    const t0 = performance.now();
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    const ledger = options.ledger ?? NO_LEDGER;
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1) throw new RangeError(`segmentBytes must be a positive integer, got ${segmentBytes}`);

    // mkdir returns the top-most directory it had to create; every new directory entry from
    // there down must be made durable in its parent, or a crash could lose the node's directory.
    const firstCreated = fs.mkdirSync(dir, { recursive: true });
    const created = firstCreated !== undefined;
    if (firstCreated !== undefined) {
      const top = path.resolve(firstCreated);
      for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        fsyncDir(path.dirname(d), ledger);
        if (d === top) break;
      }
    }

    const removedFiles: string[] = [];
    const names = fs.readdirSync(dir);
    for (const name of names) {
      if (name.endsWith(TEMP_SUFFIX)) {
        fs.unlinkSync(path.join(dir, name));
        removedFiles.push(name);
      }
    }

    // Newest snapshot only; an older one is a leftover of a crash before its deletion.
    const newest = snapshotFilesNewestFirst(names)[0];
    const loaded = newest === undefined ? null : readSnapshot(dir, newest);
    removedFiles.push(...removeSnapshotsExcept(dir, newest ?? null, ledger));
    // Synced even when nothing was removed: a killed predecessor may have created a segment or
    // renamed hardstate.json without syncing the directory, and this node is about to build on
    // what it reads (a vote above all). From here every name in the directory is durable.
    fsyncDir(dir, ledger);
    ledger.opened(directoryFound(dir));

    const stored = readHardState(dir);
    const hardStateBytes = stored ? fs.statSync(path.join(dir, HARD_STATE_FILE)).size : 0;

    const replay = new LogReplay();
    const { wal, tornTail, records } = Wal.open(dir, segmentBytes, (record, at) => replay.apply(record, at), ledger);
    let result;
    try {
      result = replay.finish(loaded ? { index: loaded.info.index, term: loaded.info.term } : null);
    } catch (err) {
      wal.close();
      throw err;
    }

    const termVote = stored ?? { term: 0, vote: null };
    const storage = new NodeStorage(dir, wal, ledger, {
      termVote,
      hardStateBytes,
      commit: result.commit,
      snap: loaded?.info ?? null,
      terms: result.entries.map((e) => e.term),
    });
    const restored: RestoredState = {
      hardState: { term: termVote.term, vote: termVote.vote, commit: result.commit },
      entries: result.entries,
      ...(loaded ? { snapshot: loaded.snapshot } : {}),
    };
    const recovery: RecoveryReport = {
      tornTail,
      segments: wal.segments().length,
      records,
      entries: result.entries.length,
      snapshot: loaded ? { index: loaded.info.index, term: loaded.info.term } : null,
      discardedForSnapshot: result.discardedForSnapshot,
      hardStateFile: stored !== null,
      removedFiles,
      created,
      durationMs: performance.now() - t0,
    };
    return { storage, restored, recovery };
  }

  private get snapIndex(): number {
    return this.snap?.index ?? 0;
  }

  private get lastIndex(): number {
    return this.snapIndex + this.terms.length;
  }

  /** Term of the stored entry at `index` (the snapshot's term at its index), or undefined. */
  private termAt(index: number): number | undefined {
    if (this.snap && index === this.snap.index) return this.snap.term;
    return index > this.snapIndex ? this.terms[index - this.snapIndex - 1] : undefined;
  }

  /**
   * Makes one Ready batch durable: at most one hardstate.json replacement (only if term or vote
   * changed), at most one snapshot file, and one WAL write with ONE fdatasync. Returns when all
   * of it is on disk. Invalid input throws before anything is written. With `later`, the WAL's
   * fdatasync runs off the thread instead: persist returns once everything is written (the hard
   * state and a snapshot synced as always), and `later` hears when the batch is durable (wal.ts).
   */
  persist(batch: PersistBatch, later?: (result: SyncDone) => void): PersistStats {
    this.checkUsable();
    const t0 = performance.now();
    const hs = batch.hardState;
    if (hs) checkHardState(hs);
    checkContiguous(batch.entries);

    // --- plan (no I/O): decide every record so bad input fails before the disk changes ---
    let install: { snapshot: Snapshot; keep: boolean } | null = null;
    if (batch.snapshot) {
      const { index, term } = batch.snapshot.metadata;
      if (!Number.isSafeInteger(index) || index < 1 || !Number.isSafeInteger(term) || term < 0) {
        throw new RangeError(`snapshot index/term must be integers (index >= 1), got ${index}/${term}`);
      }
      if (index < this.snapIndex || (index === this.snapIndex && term !== this.snap?.term)) {
        throw new RangeError(`snapshot ${index}/${term} is older than the stored snapshot ${this.snapIndex}/${this.snap?.term}`);
      }
      // The same snapshot again is already durable; anything newer is installed.
      if (index > this.snapIndex) install = { snapshot: batch.snapshot, keep: this.termAt(index) === term };
    }
    const floor = install ? install.snapshot.metadata.index : this.snapIndex;
    const lastBefore = install ? (install.keep ? Math.max(this.lastIndex, floor) : floor) : this.lastIndex;
    // Entries at or below the snapshot are already part of it.
    const entries = batch.entries.filter((e) => e.index > floor);
    const first = entries[0]?.index;
    if (first !== undefined && first > lastBefore + 1) {
      throw new RangeError(`entries start at ${first} but the stored log ends at ${lastBefore}: a gap`);
    }
    const truncateFrom = first !== undefined && first <= lastBefore ? first : null;
    const commitChanged = hs !== undefined && hs.commit !== this.commit;
    const termVoteChanged = hs !== undefined && (hs.term !== this.termVote.term || hs.vote !== this.termVote.vote);

    const records: WalRecord[] = [];
    if (install) {
      const m = install.snapshot.metadata;
      records.push({ kind: 'snapshot', index: m.index, term: m.term, keep: install.keep });
    }
    if (truncateFrom !== null) records.push({ kind: 'truncate', from: truncateFrom });
    for (const entry of entries) records.push({ kind: 'entry', entry });
    if (commitChanged) records.push({ kind: 'commit', commit: hs.commit });

    // --- write, in crash-safe order (see the top of this file) ---
    try {
      if (termVoteChanged) {
        this.hardStateBytes = writeHardState(this.dir, { term: hs.term, vote: hs.vote }, this.ledger);
        this.termVote = { term: hs.term, vote: hs.vote };
      }
      let snapInfo: SnapshotFileInfo | null = null;
      if (install) snapInfo = writeSnapshot(this.dir, install.snapshot, this.ledger);

      let append = { bytes: 0, fsyncMs: 0, rolled: false, synced: false, deferred: false };
      if (records.length > 0) {
        // Only a commit record: nothing a vote or an acknowledgement depends on (see the top).
        const sync = !(records.length === 1 && commitChanged);
        // A snapshot that discards the log starts a fresh segment: every older one is then garbage.
        append = this.wal.append(records, first ?? lastBefore + 1, install !== null && !install.keep, sync, later);
      }

      // Mirror what is now durable.
      if (install && snapInfo) {
        const drop = Math.min(this.terms.length, snapInfo.index - this.snapIndex);
        this.terms = install.keep ? this.terms.slice(drop) : [];
        this.snap = snapInfo;
      }
      if (truncateFrom !== null) this.terms.length = truncateFrom - this.snapIndex - 1;
      for (const e of entries) this.terms.push(e.term);
      if (commitChanged) this.commit = hs.commit;

      let segmentsDeleted = 0;
      if (install && snapInfo) segmentsDeleted = this.dropCovered(snapInfo, !install.keep);

      return {
        bytes: append.bytes,
        records: records.length,
        entries: entries.length,
        fsyncMs: append.fsyncMs,
        synced: append.synced,
        deferred: append.deferred,
        hardStateWritten: termVoteChanged,
        snapshotWritten: install !== null,
        rolledSegment: append.rolled,
        segmentsDeleted,
        totalMs: performance.now() - t0,
      };
    } catch (err) {
      // The disk and this object may now disagree; only a reopen (which re-reads the disk) is safe.
      // Except for ENOSPC: whatever was written before it (a new hard state, a snapshot file) is
      // mirrored above or is written again by the same batch's retry, which plans from this
      // object's unchanged view of the log.
      if (!isDiskFull(err)) this.failure = err as Error;
      throw err;
    }
  }

  /**
   * Saves a snapshot the node took of its own state machine and deletes the WAL segments it
   * covers. The log must contain the snapshot's index with the same term (a local snapshot is
   * taken at an applied, hence stored, entry). Entries after it stay.
   */
  compact(snapshot: Snapshot): void {
    this.checkUsable();
    const { index, term } = snapshot.metadata;
    if (index <= this.snapIndex) return; // already covered by a newer or equal snapshot
    this.checkCompactable(index, term);
    try {
      this.adoptSnapshot(writeSnapshot(this.dir, snapshot, this.ledger));
    } catch (err) {
      if (!isDiskFull(err)) this.failure = err as Error;
      throw err;
    }
  }

  /**
   * compact() with the file written off this thread, from data prepared ahead (snapshot-encoder.ts),
   * so the node goes on stepping meanwhile. The log is trimmed only once the file is durable: until
   * then a crash leaves the older snapshot and the whole log, a valid state. A newer snapshot that
   * lands in the meantime (an install, "snapshot now") wins and this file is deleted: it would cover
   * less. Resolves to whether this snapshot was kept.
   */
  async compactInBackground(snapshot: Snapshot, prepared: PreparedSnapshotData): Promise<boolean> {
    this.checkUsable();
    const { index, term } = snapshot.metadata;
    if (index <= this.snapIndex) return false;
    this.checkCompactable(index, term);
    try {
      const info = await writeSnapshotPrepared(this.dir, snapshot.metadata, prepared, this.ledger);
      if (this.failure) return false; // closed meanwhile: the file is valid and the next open sorts it out
      if (index <= this.snapIndex) {
        if (info.file !== this.snap?.file) {
          fs.rmSync(path.join(this.dir, info.file), { force: true });
          this.ledger.snapshotDeleted(info.index, info.term);
        }
        return false;
      }
      this.adoptSnapshot(info);
      return true;
    } catch (err) {
      if (!isDiskFull(err)) this.failure ??= err as Error;
      throw err;
    }
  }

  private checkCompactable(index: number, term: number): void {
    if (index > this.lastIndex) throw new RangeError(`cannot compact at ${index}: the log ends at ${this.lastIndex}`);
    if (this.termAt(index) !== term) {
      throw new RangeError(`cannot compact at ${index}/${term}: the stored entry there has term ${this.termAt(index)}`);
    }
  }

  /** A durable snapshot file of the node's own state becomes the base of its log. */
  private adoptSnapshot(info: SnapshotFileInfo): void {
    this.terms = this.terms.slice(info.index - this.snapIndex);
    this.snap = info;
    this.dropCovered(info, false);
  }

  /** Deletes superseded snapshot files and WAL segments the (durable) snapshot makes redundant. */
  private dropCovered(snap: SnapshotFileInfo, logDiscarded: boolean): number {
    removeSnapshotsExcept(this.dir, snap.file, this.ledger);
    // After a discarding install the active segment begins with the snapshot record that clears
    // the log, so every segment before it is dead. Otherwise a segment may go once every entry
    // in it is at or below the snapshot index.
    const deleted = this.wal.deleteLeading((seg) => logDiscarded || seg.lastIndex === null || seg.lastIndex <= snap.index);
    fsyncDir(this.dir, this.ledger);
    return deleted.length;
  }

  describe(): DiskInfo {
    const segments = this.wal.segments();
    const walBytes = segments.reduce((n, s) => n + s.bytes, 0);
    const snapshotBytes = this.snap?.bytes ?? 0;
    const lastIndex = this.lastIndex;
    return {
      dir: this.dir,
      segments,
      hardState: { term: this.termVote.term, vote: this.termVote.vote, commit: this.clampedCommit() },
      snapshot: this.snap ? { index: this.snap.index, term: this.snap.term, bytes: this.snap.bytes, file: this.snap.file } : null,
      log: { firstIndex: this.snapIndex + 1, lastIndex, lastTerm: this.termAt(lastIndex) ?? 0 },
      totals: {
        files: segments.length + (this.snap ? 1 : 0) + (this.hardStateBytes > 0 ? 1 : 0),
        bytes: walBytes + snapshotBytes + this.hardStateBytes,
        walBytes,
        walRecords: segments.reduce((n, s) => n + s.records, 0),
        snapshotBytes,
        hardStateBytes: this.hardStateBytes,
      },
    };
  }

  /** Closes the WAL file. Idempotent; the object is unusable afterwards. */
  close(): void {
    this.failure ??= new Error('storage is closed');
    this.wal.close();
  }

  private clampedCommit(): number {
    return Math.max(this.snapIndex, Math.min(this.commit, this.lastIndex));
  }

  private checkUsable(): void {
    if (this.failure) throw new Error(`storage unusable (reopen to recover): ${this.failure.message}`, { cause: this.failure });
  }
}

/** Removes a node's directory and everything in it (the "wipe node" button). */
export function wipe(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const parent = path.dirname(path.resolve(dir));
  if (fs.existsSync(parent)) fsyncDir(parent);
}

/** Every name in a just-synced directory, for the ledger: segments with their sizes, the hard
 *  state's bytes, the snapshots. */
function directoryFound(dir: string): DirectoryFound {
  const names = fs.readdirSync(dir);
  const segments = names.flatMap((name) => {
    const base = segmentBase(name);
    return base === null ? [] : [{ base, bytes: fs.statSync(path.join(dir, name)).size }];
  });
  const snapshots = names.flatMap((name) => parseSnapshotFileName(name) ?? []);
  const hardState = names.includes(HARD_STATE_FILE) ? fs.readFileSync(path.join(dir, HARD_STATE_FILE)) : null;
  return { segments, hardState, snapshots };
}

function checkHardState(hs: HardState): void {
  if (!Number.isSafeInteger(hs.term) || hs.term < 0) throw new RangeError(`hardState.term must be an integer >= 0, got ${hs.term}`);
  if (!Number.isSafeInteger(hs.commit) || hs.commit < 0) throw new RangeError(`hardState.commit must be an integer >= 0, got ${hs.commit}`);
  if (hs.vote !== null && (typeof hs.vote !== 'string' || hs.vote.length === 0)) throw new RangeError('hardState.vote must be a non-empty string or null');
}

function checkContiguous(entries: readonly Entry[]): void {
  entries.forEach((e, k) => {
    if (!Number.isSafeInteger(e.index) || e.index < 1 || !Number.isSafeInteger(e.term) || e.term < 0) {
      throw new RangeError(`entry index/term must be integers (index >= 1), got ${e.index}/${e.term}`);
    }
    const prev = entries[k - 1];
    if (prev && e.index !== prev.index + 1) throw new RangeError(`entries must be contiguous: ${prev.index} then ${e.index}`);
  });
}
