// The node runtime's disk, as a port. The worker gives it the real write-ahead log
// (server/cluster/storage/wal-disk.ts: framed records, CRC32C, fdatasync, atomic hard state); the
// simulator gives it a disk in memory (memory-disk.ts). The runtime persists a Ready here before it
// sends what the Ready promises, so whatever a disk keeps across a crash is what the node knew.
import type { SnapshotImage } from '../kv/snapshot.ts';
import type { Entry, HardState, Snapshot } from '../raft/types.ts';
import type { DiskView } from '../protocol/views.ts';
import type { DiskFault } from './disk-fault.ts';
import type { DiskDetails } from './answers.ts';

/** What the node restarts from, and what recovery had to cut. */
export interface OpenedDisk {
  readonly restored: { readonly hardState: HardState; readonly entries: Entry[]; readonly snapshot?: Snapshot };
  /** The torn or corrupt tail that recovery cut off, said for a person; null if the log ended cleanly. */
  readonly tornTail: string | null;
}

/** One Ready batch to make durable. */
export interface PersistBatch {
  readonly entries: readonly Entry[];
  readonly hardState?: HardState;
  /** A snapshot installed from the leader (a local one goes through compact). */
  readonly snapshot?: Snapshot;
}

export interface PersistOutcome {
  /** The batch was synced (an fdatasync); a batch that only moves the commit index is not. */
  readonly synced: boolean;
  /** Time spent syncing, in the disk's own milliseconds (0 for a disk in memory). */
  readonly fsyncMs: number;
  /** The batch is written and its sync runs off the node's thread: persist's `later` hears when
   *  it is durable, and until then the runtime holds the Ready (it promises nothing of it). */
  readonly deferred?: boolean;
}

/** How a sync that ran off the node's thread ended: the batch is durable, or the disk broke. */
export type SyncDone = { readonly fsyncMs: number } | { readonly error: unknown };

/** What a disk holds, for the page's disk panel (the runtime adds its fsync count). */
export type DiskDescription = Omit<DiskView, 'fsyncs'>;

export interface NodeDisk {
  /** Recovers what is on the disk. Called once, by the runtime, before anything else. */
  open(): OpenedDisk;
  /**
   * Makes one Ready batch durable before the runtime sends what it promises. A disk may sync off
   * the thread when given `later`: it returns `deferred` once the batch is written, and calls
   * `later` on the node's thread when the batch is durable (or the disk broke).
   */
  persist(batch: PersistBatch, later?: (done: SyncDone) => void): PersistOutcome;
  /** A snapshot of the node's own state machine, written now (a person's "snapshot now"). */
  compact(snapshot: Snapshot): void;
  /**
   * A background compaction's snapshot, written while the node goes on; `done` once it is durable
   * (the log it covers may then go), or with the error that broke the disk. `prepared` is what the
   * disk's own encoder made of it (SnapshotEncoding).
   */
  compactInBackground(snapshot: Snapshot, prepared: unknown, done: (error?: unknown) => void): void;
  describe(): DiskDescription;
  /** Everything the disk can tell about itself, for the `disk` request (files, segments…). */
  details(): DiskDetails;
  /** The disk's fault now (disk-fault.ts): a failing disk's is spent once it fired. */
  readonly fault: DiskFault;
  /** A person (or the fault schedule) changed the disk's fault; `corrupt` is applied by the host. */
  setFault(fault: DiskFault): void;
}

/** A snapshot's text, encoded a slice at a time, and what the disk needs to write it. */
export interface EncodedSnapshot {
  /** The applied index of the captured store: the snapshot's index. */
  readonly index: number;
  readonly text: string;
  readonly prepared: unknown;
}

/** One compaction's encoding; each step is one slice (a worker bounds it in time, the simulator in pieces). */
export interface SnapshotEncoding {
  /** Encodes one slice; the finished snapshot, or null while more remains. */
  step(): EncodedSnapshot | null;
}

export type SnapshotEncoder = (image: SnapshotImage) => SnapshotEncoding;

/**
 * A simulated crash at a persist: the simulator's disk throws it to stop its node there, before or
 * after the batch is written (memory-disk.ts crashPlan). The runtime lets it through after telling
 * the checker what earlier Readies of the same turn made durable; the host then kills the node.
 */
export class DiskCrash extends Error {
  override readonly name = 'DiskCrash';

  constructor(
    /** The batch was written (and is durable) before the crash. */
    readonly afterWrite: boolean,
  ) {
    super(afterWrite ? 'crashed right after writing a batch' : 'crashed before writing a batch');
  }
}

/**
 * The disk refused an operation the way a real one does: EIO (the node must stop and never retry
 * the sync: fsyncgate) or ENOSPC (nothing was kept; the same write may be tried again once space is
 * freed). Thrown by both disks, for an injected fault (disk-fault.ts) and for a real syscall's
 * error alike (server/cluster/storage/disk-errors.ts), so one path handles both.
 */
export class DiskFailure extends Error {
  override readonly name = 'DiskFailure';

  constructor(
    readonly code: 'EIO' | 'ENOSPC',
    readonly syscall: string,
    /** The file it happened to (a segment's name, hardstate.json, the node's directory). */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(code === 'EIO' ? `disk failed: EIO on ${syscall} of ${file}` : `disk full: ENOSPC on ${syscall} of ${file}`, options);
  }
}

/** ENOSPC: the disk kept nothing of the write; it can be tried again when there is space. */
export function isDiskFull(error: unknown): error is DiskFailure {
  return error instanceof DiskFailure && error.code === 'ENOSPC';
}

/** Recovery found damage it must not skip (a corrupt record mid-log): the node cannot start. */
export class RecoveryRefused extends Error {
  override readonly name = 'RecoveryRefused';
}
