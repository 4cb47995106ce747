// Public shapes of the storage layer, shared by node-storage.ts, the worker runtime and the UI.

import type { Entry, HardState, Snapshot } from '../../../shared/raft/types.ts';
import type { SegmentInfo, TornTail } from './wal.ts';
import type { DiskLedger } from './durability-ledger.ts';

export type { SegmentInfo, TornTail } from './wal.ts';

export interface StorageOptions {
  /** Roll to a new WAL segment when the next batch would pass this size. Default 4 MiB. */
  readonly segmentBytes?: number;
  /** Told what each sync made durable, so a power cut can drop the rest (durability-ledger.ts). */
  readonly ledger?: DiskLedger;
}

/** What the Raft core restarts from. Compatible with the core's restore input. */
export interface RestoredState {
  readonly hardState: HardState;
  /** Entries after the snapshot (or from index 1), contiguous and in order. */
  readonly entries: Entry[];
  readonly snapshot?: Snapshot;
}

export interface RecoveryReport {
  /** The torn or corrupt tail that was cut off, or null if the log ended cleanly. */
  readonly tornTail: TornTail | null;
  /** WAL segment files read. */
  readonly segments: number;
  /** Valid WAL records replayed (all kinds). */
  readonly records: number;
  /** Entries restored (after the snapshot). */
  readonly entries: number;
  readonly snapshot: { readonly index: number; readonly term: number } | null;
  /** True when WAL entries were dropped because they disagreed with the newest snapshot. */
  readonly discardedForSnapshot: boolean;
  /** Whether hardstate.json existed (false: term 0, no vote). */
  readonly hardStateFile: boolean;
  /** Leftovers of interrupted writes (temp files, superseded snapshots) deleted on open. */
  readonly removedFiles: readonly string[];
  /** True when the directory did not exist and was created. */
  readonly created: boolean;
  readonly durationMs: number;
}

/** One Ready batch to make durable. */
export interface PersistBatch {
  readonly entries: readonly Entry[];
  readonly hardState?: HardState;
  readonly snapshot?: Snapshot;
}

export interface PersistStats {
  /** WAL bytes written by this call. */
  readonly bytes: number;
  /** WAL records written (entries + markers + commit). */
  readonly records: number;
  /** Entries appended. */
  readonly entries: number;
  /** Duration of the single WAL fdatasync in ms (0 when nothing went to the WAL, or when it runs
   *  off the thread: `later` then hears it, from the sync's start until the node heard it return). */
  readonly fsyncMs: number;
  /** True when the WAL was fdatasync'ed (at most once per call). False when nothing was written,
   *  and for a batch that only moves the commit index (written, not synced: see node-storage.ts). */
  readonly synced: boolean;
  /** True when the WAL's fdatasync runs off the thread (persist's `later`): it hears when it ends. */
  readonly deferred: boolean;
  /** True when hardstate.json was replaced (term or vote changed). */
  readonly hardStateWritten: boolean;
  /** True when a snapshot file was written. */
  readonly snapshotWritten: boolean;
  /** True when a new WAL segment was started. */
  readonly rolledSegment: boolean;
  /** WAL segments deleted because a snapshot covers them. */
  readonly segmentsDeleted: number;
  /** Wall time of the whole call in ms. */
  readonly totalMs: number;
}

/** "What survives a crash": everything below is durable on disk right now. */
export interface DiskInfo {
  readonly dir: string;
  readonly segments: readonly SegmentInfo[];
  readonly hardState: HardState;
  readonly snapshot: { readonly index: number; readonly term: number; readonly bytes: number; readonly file: string } | null;
  /** The log a restart would restore: entries firstIndex..lastIndex (empty when lastIndex < firstIndex). */
  readonly log: { readonly firstIndex: number; readonly lastIndex: number; readonly lastTerm: number };
  readonly totals: {
    readonly files: number;
    readonly bytes: number;
    readonly walBytes: number;
    readonly walRecords: number;
    readonly snapshotBytes: number;
    readonly hardStateBytes: number;
  };
}
