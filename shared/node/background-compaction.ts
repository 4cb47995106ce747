// Compaction that does not stop the node. Encoding a large store, checksumming and writing it took
// a node 300–500 ms in one go; as the leader it committed nothing meanwhile, which was the p99 of
// every loaded run. Now:
//   1. The core suggests a snapshot: capture the store (a shallow copy: its records are never
//      changed, only replaced) and encode it a slice per event-loop turn (work()), while the node
//      goes on stepping, persisting and applying.
//   2. Encoded: hand the text to the core (compact() at the captured index, which is still applied
//      and committed), which makes one more Ready carrying the local snapshot.
//   3. That snapshot's file is written in the background (NodeDisk.compactInBackground: libuv's
//      pool for the real WAL, a later step for the simulator's disk); the log it covers is deleted
//      once the file is durable. Only then can the next compaction start.
// "Snapshot now" stays synchronous: a person asked for it and waits for its answer.
// The same stages run in the worker and in the simulator: only the disk and the encoder's slice
// (time for a worker, pieces for the simulator) differ.
import type { RawNode, Snapshot } from '../raft/index.ts';
import type { KvStore } from '../kv/store.ts';
import { isDiskFull, type EncodedSnapshot, type NodeDisk, type SnapshotEncoder, type SnapshotEncoding } from './disk.ts';

export interface CompactionHooks {
  /** Call work() soon (on a later turn) until it returns false. */
  background(): void;
  /** Run the host loop: a finished encoding makes a Ready, a durable file a disk report. */
  wake(): void;
  /** The background write failed: the disk is broken, stop the node. */
  fatal(error: unknown): void;
}

type Stage = 'encoding' | 'encoded' | 'handed' | 'writing';

export class BackgroundCompaction {
  private encoding: SnapshotEncoding | null = null;
  private encoded: EncodedSnapshot | null = null;
  private stage: Stage | null = null;

  constructor(
    private readonly hooks: CompactionHooks,
    private readonly encoder: SnapshotEncoder,
  ) {}

  /**
   * For the host loop when the core has no Ready: starts the compaction the core suggests, or hands
   * a finished encoding to the core. True when the core now has a Ready to process. `canWrite`
   * false (a full disk): no new compaction starts, as its file would find no space.
   */
  poll(raft: RawNode, kv: KvStore, canWrite = true): boolean {
    if (this.stage === null) {
      if (!canWrite || !raft.snapshotSuggested()) return false;
      this.encoding = this.encoder(kv.capture());
      this.stage = 'encoding';
      this.hooks.background();
      return false;
    }
    if (this.stage !== 'encoded' || !this.encoded) return false;
    const before = raft.status().snapshotIndex;
    raft.compact(this.encoded.index, this.encoded.text);
    // Refused: a newer snapshot (an install, "snapshot now") arrived while this one was encoded.
    if (raft.status().snapshotIndex === before) {
      this.reset();
      return false;
    }
    this.stage = 'handed';
    return raft.hasReady();
  }

  /** One slice of encoding. True while more remains (call again on a later turn). */
  work(): boolean {
    if (this.stage !== 'encoding' || !this.encoding) return false;
    const done = this.encoding.step();
    if (done === null) return true;
    this.encoded = done;
    this.encoding = null;
    this.stage = 'encoded';
    this.hooks.wake();
    return false;
  }

  /**
   * Persists a Ready's local snapshot: in the background when it is the one encoded here, at once
   * otherwise ("snapshot now"). `durable` runs when a background file is on disk.
   */
  persistLocal(disk: NodeDisk, snapshot: Snapshot, durable: () => void): void {
    const encoded = this.encoded;
    if (this.stage !== 'handed' || !encoded || encoded.index !== snapshot.metadata.index) return disk.compact(snapshot);
    this.stage = 'writing';
    disk.compactInBackground(snapshot, encoded.prepared, (error) => {
      // No space for the file (ENOSPC): nothing is lost, the disk keeps the older snapshot and the
      // whole log; a later compaction tries again. Any other failure is a broken disk.
      if (isDiskFull(error)) {
        this.reset();
        this.hooks.wake();
        return;
      }
      if (error !== undefined) return this.hooks.fatal(error);
      this.reset();
      durable();
      this.hooks.wake();
    });
  }

  /** After each Ready: a snapshot handed to the core that this Ready did not carry was superseded. */
  settle(): void {
    if (this.stage === 'handed') this.reset();
  }

  private reset(): void {
    this.encoding = null;
    this.encoded = null;
    this.stage = null;
  }
}
