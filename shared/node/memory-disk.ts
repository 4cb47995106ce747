// The simulator's disk behind the node runtime's port (disk.ts): the same contract as the real
// write-ahead log (server/cluster/storage/wal-disk.ts), kept in memory so a seed replays exactly.
//   - What persist() keeps survives a kill; a batch that only moves the commit index is written
//     without a sync, as the WAL writes it, and a power cut (loseUnsynced) takes it back.
//   - An installed snapshot keeps the log after it when the log holds the snapshot's entry with the
//     same term, and discards it otherwise (as NodeStorage does).
//   - A background compaction's file becomes durable only when the host says time has passed
//     (finishBackground); a kill before that loses it, leaving the older snapshot and the whole log.
//   - A torn tail (tear-tail) is a flag that the next open reports and cuts, as recovery does.
//   - A crash plan (the simulator's fault schedule) stops the node at its next persist that must
//     sync: before the batch is written (the Ready's early messages may be out, nothing of it is
//     durable) or after (durable, nothing after it sent).
//   - Disk faults (disk-fault.ts), asked before each write and sync as the real WAL asks them: a
//     failed operation changes nothing here (a failed sync's batch is lost with the power, as the
//     lab cuts its files back to what was synced); a corrupt record (corrupt()) makes the next open
//     refuse the log, as recovery refuses a damaged record mid-log.
import type { Entry, HardState, Snapshot } from '../raft/types.ts';
import { snapshotPieces } from '../kv/snapshot.ts';
import { createPrng, type Prng } from '../net/prng.ts';
import { DiskCrash, DiskFailure, RecoveryRefused, type DiskDescription, type NodeDisk, type OpenedDisk, type PersistBatch, type PersistOutcome, type SnapshotEncoder } from './disk.ts';
import { DiskFaults, type DiskFault } from './disk-fault.ts';
import type { DiskDetails } from './answers.ts';

/** Bytes a record costs besides its payload in the real WAL (frame header and CRC), for the panel. */
const RECORD_OVERHEAD_BYTES = 24;
/** What the memory disk calls its log in messages, where the WAL names a segment file. */
const WAL_NAME = 'wal (in memory)';

export class MemoryDisk implements NodeDisk {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  entries: Entry[] = [];
  snapshot: Snapshot | undefined = undefined;
  /** Records written so far (the disk panel's count). */
  records = 0;
  /** Half a record was left at the end of the log (tear-tail); the next open cuts it. */
  tornTail = false;
  /** The commit index last made durable; a commit-only write past it is lost on a power cut. */
  private syncedCommit = 0;
  /** Crash the node at its next persist that must sync, before or after writing it. */
  crashPlan: 'before-persist' | 'after-persist' | null = null;
  private background: { readonly snapshot: Snapshot; readonly done: (error?: unknown) => void } | null = null;
  private readonly faults: DiskFaults;
  /** The index of the entry whose record has a flipped bit (corrupt()); the next open refuses it. */
  private corruptEntry: number | null = null;

  /** `random` draws a slow disk's latencies (they are only reported, so any stream will do). */
  constructor(random: Prng = createPrng(0)) {
    this.faults = new DiskFaults(random);
  }

  get fault(): DiskFault {
    return this.faults.fault;
  }

  setFault(fault: DiskFault): void {
    this.faults.set(fault);
  }

  /**
   * A bit flips in a synced record in the middle of the log (never the last one: a damaged tail
   * would be cut as torn). `pick` chooses among the candidates. Where it happened, or null when the
   * log holds fewer than two entries.
   */
  corrupt(pick: Prng): string | null {
    if (this.entries.length < 2) return null;
    const entry = this.entries[Math.floor(pick() * (this.entries.length - 1))]!;
    this.corruptEntry = entry.index;
    const where = `${WAL_NAME}, the record of entry ${entry.index}`;
    this.faults.set({ kind: 'corrupt', where });
    return where;
  }

  open(): OpenedDisk {
    if (this.corruptEntry !== null) {
      throw new RecoveryRefused(`corrupt WAL record in ${WAL_NAME} at entry ${this.corruptEntry}: CRC mismatch; a valid record follows (a bit flipped in a synced record: refused, never skipped)`);
    }
    this.faults.before({ op: 'sync', file: WAL_NAME, syscall: 'fdatasync' });
    const torn = this.tornTail;
    this.tornTail = false;
    return {
      restored: { hardState: { ...this.hardState }, entries: [...this.entries], ...(this.snapshot ? { snapshot: this.snapshot } : {}) },
      tornTail: torn ? 'wal (in memory): cut 11 bytes at the end (a record announced 64 bytes of payload; the power went before they were written)' : null,
    };
  }

  persist(batch: PersistBatch): PersistOutcome {
    const hardState = batch.hardState;
    // A new term or vote must be durable before anything is said; a commit index alone need not be.
    const synced = batch.entries.length > 0 || batch.snapshot !== undefined || (hardState !== undefined && (hardState.term !== this.hardState.term || hardState.vote !== this.hardState.vote));
    const plan = synced ? this.crashPlan : null;
    if (plan === 'before-persist') this.crashNow(plan);
    // Asked before anything changes: a refused write or sync keeps nothing of the batch.
    this.faults.before({ op: 'write', file: WAL_NAME, grows: true });
    const fsyncMs = synced ? this.faults.before({ op: 'sync', file: WAL_NAME, syscall: 'fdatasync' }) : 0;
    if (batch.snapshot) this.install(batch.snapshot);
    const first = batch.entries[0];
    if (first) {
      const from = this.entries.findIndex((entry) => entry.index >= first.index);
      if (from !== -1) this.entries.length = from;
      this.entries.push(...batch.entries);
      this.records += batch.entries.length;
    }
    if (hardState) {
      this.hardState = { ...hardState };
      this.records += 1;
    }
    if (synced) this.syncedCommit = this.hardState.commit;
    if (plan === 'after-persist') this.crashNow(plan);
    return { synced, fsyncMs };
  }

  private crashNow(plan: 'before-persist' | 'after-persist'): never {
    this.crashPlan = null;
    throw new DiskCrash(plan === 'after-persist');
  }

  compact(snapshot: Snapshot): void {
    const { index } = snapshot.metadata;
    if (index <= (this.snapshot?.metadata.index ?? 0)) return;
    this.faults.before({ op: 'write', file: 'snapshot (in memory)', grows: true });
    this.faults.before({ op: 'sync', file: 'snapshot (in memory)', syscall: 'fsync' });
    this.snapshot = snapshot;
    this.entries = this.entries.filter((entry) => entry.index > index);
    this.forgetCorruptionBelow(index);
    this.records += 1;
  }

  /** A damaged record the snapshot now covers went with its segment. */
  private forgetCorruptionBelow(index: number): void {
    if (this.corruptEntry !== null && this.corruptEntry <= index) {
      this.corruptEntry = null;
      if (this.faults.fault.kind === 'corrupt') this.faults.set({ kind: 'none' });
    }
  }

  compactInBackground(snapshot: Snapshot, _prepared: unknown, done: (error?: unknown) => void): void {
    this.background = { snapshot, done };
  }

  /** The host's later step: a background compaction's file is now durable. True if one was. */
  finishBackground(): boolean {
    const background = this.background;
    if (!background) return false;
    this.background = null;
    // A newer snapshot that landed meanwhile (an install, "snapshot now") wins, as on the real disk.
    try {
      this.compact(background.snapshot);
    } catch (error) {
      if (!(error instanceof DiskFailure)) throw error;
      background.done(error);
      return true;
    }
    background.done();
    return true;
  }

  /** A crash: the background write in flight never finished. What persist() kept stays. */
  crash(): void {
    this.background = null;
    this.crashPlan = null;
  }

  /** A power cut: a crash that also loses what was written but not synced (a commit-only write). */
  loseUnsynced(): void {
    this.crash();
    this.hardState = { ...this.hardState, commit: this.syncedCommit };
  }

  describe(): DiskDescription {
    const last = this.entries.at(-1);
    const snapshot = this.snapshot?.metadata;
    return {
      term: this.hardState.term,
      vote: this.hardState.vote,
      commit: this.hardState.commit,
      firstIndex: this.entries[0]?.index ?? (snapshot ? snapshot.index + 1 : 0),
      lastIndex: last?.index ?? snapshot?.index ?? 0,
      lastTerm: last?.term ?? snapshot?.term ?? 0,
      segments: this.records > 0 ? 1 : 0,
      walRecords: this.records,
      walBytes: this.entries.reduce((sum, entry) => sum + RECORD_OVERHEAD_BYTES + entry.data.length, 0),
      snapshotIndex: snapshot?.index ?? 0,
      snapshotTerm: snapshot?.term ?? 0,
      snapshotBytes: this.snapshot?.data.length ?? 0,
    };
  }

  details(): DiskDetails {
    return { ...this.describe(), medium: 'memory', backgroundWrite: this.background !== null, fault: this.faults.fault };
  }

  private install(snapshot: Snapshot): void {
    const { index, term } = snapshot.metadata;
    if (index <= (this.snapshot?.metadata.index ?? 0)) return;
    const keep = this.entries.find((entry) => entry.index === index)?.term === term;
    this.snapshot = snapshot;
    this.entries = keep ? this.entries.filter((entry) => entry.index > index) : [];
    if (keep) this.forgetCorruptionBelow(index);
    else this.forgetCorruptionBelow(Infinity);
    this.records += 1;
  }
}

/** Keys encoded per step of a background compaction in the simulator: pieces, not milliseconds. */
export const SIM_SNAPSHOT_PIECES_PER_STEP = 64;

/** A deterministic encoder: a fixed number of pieces per step (the worker's is bounded in time). */
export const pieceEncoder: SnapshotEncoder = (image) => {
  const pieces = snapshotPieces(image);
  const texts: string[] = [];
  return {
    step: () => {
      for (let n = 0; n < SIM_SNAPSHOT_PIECES_PER_STEP; n++) {
        const next = pieces.next();
        if (next.done) return { index: image.appliedIndex, text: texts.join(''), prepared: null };
        texts.push(next.value);
      }
      return null;
    },
  };
};
