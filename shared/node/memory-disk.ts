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
import type { Entry, HardState, Snapshot } from '../raft/types.ts';
import { snapshotPieces } from '../kv/snapshot.ts';
import { DiskCrash, type DiskDescription, type NodeDisk, type OpenedDisk, type PersistBatch, type PersistOutcome, type SnapshotEncoder } from './disk.ts';

/** Bytes a record costs besides its payload in the real WAL (frame header and CRC), for the panel. */
const RECORD_OVERHEAD_BYTES = 24;

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

  open(): OpenedDisk {
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
    return { synced, fsyncMs: 0 };
  }

  private crashNow(plan: 'before-persist' | 'after-persist'): never {
    this.crashPlan = null;
    throw new DiskCrash(plan === 'after-persist');
  }

  compact(snapshot: Snapshot): void {
    const { index } = snapshot.metadata;
    if (index <= (this.snapshot?.metadata.index ?? 0)) return;
    this.snapshot = snapshot;
    this.entries = this.entries.filter((entry) => entry.index > index);
    this.records += 1;
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
    this.compact(background.snapshot);
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

  details(): Record<string, unknown> {
    return { ...this.describe(), medium: 'memory', backgroundWrite: this.background !== null };
  }

  private install(snapshot: Snapshot): void {
    const { index, term } = snapshot.metadata;
    if (index <= (this.snapshot?.metadata.index ?? 0)) return;
    const keep = this.entries.find((entry) => entry.index === index)?.term === term;
    this.snapshot = snapshot;
    this.entries = keep ? this.entries.filter((entry) => entry.index > index) : [];
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
