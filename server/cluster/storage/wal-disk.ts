// The real disk behind the node runtime's port (shared/node/disk.ts): NodeStorage's write-ahead log,
// hard state and snapshot files in the node's directory, and the snapshot encoder whose slices are
// bounded in real time. The worker hands these to NodeRuntime; nothing else differs from the
// simulator's node. Its faults (shared/node/disk-fault.ts) are asked at every write and sync the
// storage makes, through its ledger (fault-injection.ts).
import type { NodeDisk, OpenedDisk, PersistBatch, PersistOutcome, DiskDescription, SnapshotEncoder, SyncDone } from '../../../shared/node/disk.ts';
import type { Snapshot } from '../../../shared/raft/types.ts';
import type { DiskDetails } from '../../../shared/node/answers.ts';
import { NodeStorage } from './node-storage.ts';
import { NO_LEDGER, type DiskLedger } from './durability-ledger.ts';
import { DiskFaults, NO_DISK_FAULT, type DiskFault } from '../../../shared/node/disk-fault.ts';
import { createPrng } from '../../../shared/net/prng.ts';
import { withDiskFaults } from './fault-injection.ts';
import { SnapshotEncoder as Encoder } from './snapshot-encoder.ts';
import type { PreparedSnapshotData } from './snapshots.ts';

/** Real ms of encoding per event-loop turn: what a slice adds to the node's answers meanwhile. */
export const COMPACTION_SLICE_MS = 2;

/** Encodes in slices of COMPACTION_SLICE_MS of this thread's time, with the file's bytes and CRC. */
export const timeSlicedEncoder: SnapshotEncoder = (image) => {
  const encoder = new Encoder(image);
  return { step: () => encoder.step(performance.now() + COMPACTION_SLICE_MS) };
};

export class WalDisk implements NodeDisk {
  private storage: NodeStorage | null = null;
  private readonly faults: DiskFaults;
  private readonly ledger: DiskLedger;
  private readonly syncOffThread: boolean;

  /**
   * `ledger`: told what each sync made durable, for a power cut (durability-ledger.ts). `fault`:
   * the disk's fault when the node starts (the host keeps it across workers); `seed` draws a slow
   * disk's latencies. `syncOffThread`: the WAL's fdatasync runs on libuv's pool while the node goes
   * on (the worker's disk); off, every persist returns durable (tests that read the files at once).
   */
  constructor(
    private readonly dir: string,
    ledger: DiskLedger = NO_LEDGER,
    options: { readonly fault?: DiskFault; readonly seed?: number; readonly syncOffThread?: boolean } = {},
  ) {
    this.syncOffThread = options.syncOffThread ?? false;
    this.faults = new DiskFaults(createPrng(options.seed ?? 0), options.fault ?? NO_DISK_FAULT);
    this.ledger = withDiskFaults(ledger, this.faults);
  }

  get fault(): DiskFault {
    return this.faults.fault;
  }

  setFault(fault: DiskFault): void {
    this.faults.set(fault);
  }

  open(): OpenedDisk {
    const { storage, restored, recovery } = NodeStorage.open(this.dir, { ledger: this.ledger });
    this.storage = storage;
    const torn = recovery.tornTail;
    return {
      restored,
      tornTail: torn ? `${torn.segment}: cut ${torn.bytesTruncated} bytes at offset ${torn.offset} (${torn.reason})` : null,
    };
  }

  persist(batch: PersistBatch, later?: (done: SyncDone) => void): PersistOutcome {
    const stats = this.opened().persist(batch, this.syncOffThread ? later : undefined);
    return { synced: stats.synced, fsyncMs: stats.fsyncMs, deferred: stats.deferred };
  }

  compact(snapshot: Snapshot): void {
    this.opened().compact(snapshot);
  }

  compactInBackground(snapshot: Snapshot, prepared: unknown, done: (error?: unknown) => void): void {
    this.opened()
      .compactInBackground(snapshot, prepared as PreparedSnapshotData)
      .then(
        () => done(),
        (error: unknown) => done(error ?? new Error('the snapshot file could not be written')),
      );
  }

  describe(): DiskDescription {
    const disk = this.opened().describe();
    return {
      term: disk.hardState.term,
      vote: disk.hardState.vote,
      commit: disk.hardState.commit,
      firstIndex: disk.log.firstIndex,
      lastIndex: disk.log.lastIndex,
      lastTerm: disk.log.lastTerm,
      segments: disk.segments.length,
      walRecords: disk.totals.walRecords,
      walBytes: disk.totals.walBytes,
      snapshotIndex: disk.snapshot?.index ?? 0,
      snapshotTerm: disk.snapshot?.term ?? 0,
      snapshotBytes: disk.snapshot?.bytes ?? 0,
      walUnsyncedBytes: disk.segments.reduce((sum, segment) => sum + Math.max(0, segment.bytes - segment.synced), 0),
    };
  }

  details(): DiskDetails {
    return { ...this.opened().describe(), fault: this.faults.fault };
  }

  private opened(): NodeStorage {
    if (!this.storage) throw new Error('the disk is not open yet');
    return this.storage;
  }
}
