// What a node's disk has made durable, kept where a power cut cannot reach it.
//
// A kill (worker.terminate) is a process crash: the page cache survives it, so a node's files then
// hold more than is durable. A power cut keeps only what was synced. To play one, the storage writes
// down here what each fsync / fdatasync made durable, and the main thread, which plays the disk
// controller, cuts the files back to it once the worker is gone (power-cut.ts). The memory is a
// SharedArrayBuffer the main thread owns per node and hands to each of the node's workers, so it
// outlives them all, as the disk outlives the machine's power. A sidecar file would not do: it
// would sit in the same page cache.
//
// Recorded only after the syscall returns. A worker stopped in between under-reports, which loses
// only bytes nobody was told about: a correct node acknowledges after persist returns.
//
// Deletions (of covered segments and old snapshots) count as durable at once: both are followed by
// a directory sync straight away, undoing one would need the deleted bytes, and recovery copes with
// either outcome. Renames that replace hardstate.json are undone when their directory sync did not
// happen, because that is where a lost vote comes from.
//
// The same memory carries the node's power switch: the main thread turns it off (now, or at the
// node's next sync), and the worker's storage checks it before each sync (beforeSync).
//
// Layout: Int32 header | Float64 segment slots (base, synced bytes) | Float64 snapshot slots
// (index, term) | hardstate.json's durable bytes. Slots are a packed list (a deletion moves the last
// slot into the hole). Only the worker writes the lists, and the main thread reads them only after
// that worker has exited (a thread join orders the memory); the power switch is used by both at
// once, so it goes through Atomics.

/** What the storage tells the ledger, and asks it. NO_LEDGER when nobody is keeping one (tests,
 *  the main thread writing prepared disks). */
export interface DiskLedger {
  /** Called before every fsync and fdatasync: a power cut due at the node's next sync lands here
   *  (and a disk fault, fault-injection.ts). `file`: what is synced, for a failure's message. */
  beforeSync(file: string, syscall: 'fdatasync' | 'fsync'): void;
  /** Called before every write of data (`grows`: it needs new space): where a full disk refuses. */
  beforeWrite(file: string, grows: boolean): void;
  /** Segment `base`'s name is durable, and so are its first `bytes` bytes. */
  segmentSynced(base: number, bytes: number): void;
  segmentDeleted(base: number): void;
  /** hardstate.json now holds `bytes` durably (renamed and its directory synced). */
  hardStateDurable(bytes: Uint8Array): void;
  snapshotDurable(index: number, term: number): void;
  snapshotDeleted(index: number, term: number): void;
  /** Recovery synced the directory: every name in it is durable now (see DurabilityLedger.opened). */
  opened(found: DirectoryFound): void;
}

/** What NodeStorage.open found in the directory, after syncing it. */
export interface DirectoryFound {
  readonly segments: readonly { readonly base: number; readonly bytes: number }[];
  /** hardstate.json's bytes, or null when there is none. */
  readonly hardState: Uint8Array | null;
  readonly snapshots: readonly { readonly index: number; readonly term: number }[];
}

export const NO_LEDGER: DiskLedger = {
  beforeSync: () => {},
  beforeWrite: () => {},
  segmentSynced: () => {},
  segmentDeleted: () => {},
  hardStateDurable: () => {},
  snapshotDurable: () => {},
  snapshotDeleted: () => {},
  opened: () => {},
};

/** The power switch. */
export const Power = { On: 0, OffAtNextSync: 1, Off: 2, WentOffAtSync: 3 } as const;
export type PowerState = (typeof Power)[keyof typeof Power];

/** Thrown by beforeSync when the power is off and no halt was given (outside a worker). */
export class PowerCut extends Error {
  override readonly name = 'PowerCut';
}

const MAX_SEGMENTS = 1024;
const MAX_SNAPSHOTS = 16;
const MAX_HARD_STATE_BYTES = 512;

// Int32 header fields.
const POWER = 0;
const INITIALIZED = 1;
const OVERFLOWED = 2;
const SEGMENTS = 3;
const SNAPSHOTS = 4;
const HARD_STATE_LENGTH = 5; // -1: no durable hardstate.json
const DISK_FAILED = 6; // 1: the worker's disk returned EIO (it stopped; its page cache is not to be trusted)
const HEADER_INTS = 8;

const SEGMENTS_AT = HEADER_INTS * 4;
const SNAPSHOTS_AT = SEGMENTS_AT + MAX_SEGMENTS * 16;
const HARD_STATE_AT = SNAPSHOTS_AT + MAX_SNAPSHOTS * 16;
const TOTAL_BYTES = HARD_STATE_AT + MAX_HARD_STATE_BYTES;

export class DurabilityLedger implements DiskLedger {
  readonly buffer: SharedArrayBuffer;
  private readonly header: Int32Array;
  private readonly segments: Float64Array;
  private readonly snapshots: Float64Array;
  private readonly hardState: Uint8Array;

  /**
   * A new ledger (main thread), or a view of one made elsewhere (a worker). `halt` stops the thread
   * where the power goes off; a worker passes process.exit, which runs nothing after it.
   */
  constructor(shared?: SharedArrayBuffer, private readonly halt: () => never = () => { throw new PowerCut('the power is off'); }) {
    this.buffer = shared ?? new SharedArrayBuffer(TOTAL_BYTES);
    if (this.buffer.byteLength !== TOTAL_BYTES) throw new RangeError(`a durability ledger is ${TOTAL_BYTES} bytes, got ${this.buffer.byteLength}`);
    this.header = new Int32Array(this.buffer, 0, HEADER_INTS);
    this.segments = new Float64Array(this.buffer, SEGMENTS_AT, MAX_SEGMENTS * 2);
    this.snapshots = new Float64Array(this.buffer, SNAPSHOTS_AT, MAX_SNAPSHOTS * 2);
    this.hardState = new Uint8Array(this.buffer, HARD_STATE_AT, MAX_HARD_STATE_BYTES);
    if (!shared) this.header[HARD_STATE_LENGTH] = -1;
  }

  // ── The power switch ─────────────────────────────────────────────────────────────────────────

  get power(): PowerState {
    return Atomics.load(this.header, POWER) as PowerState;
  }

  /** Main thread: turn the power off now, or when the node next syncs (before that sync). */
  switchOff(when: 'now' | 'next-sync'): void {
    Atomics.store(this.header, POWER, when === 'now' ? Power.Off : Power.OffAtNextSync);
  }

  /** Main thread, before a worker starts: the power is back. */
  switchOn(): void {
    Atomics.store(this.header, POWER, Power.On);
    Atomics.store(this.header, DISK_FAILED, 0);
  }

  /**
   * Worker, as it stops on an EIO: after a failed sync the page cache may hold bytes that never
   * reached the disk (fsyncgate), so the main thread cuts the files back to what was synced, as
   * after a power cut, before the node can start again and read them.
   */
  markDiskFailed(): void {
    Atomics.store(this.header, DISK_FAILED, 1);
  }

  get diskFailed(): boolean {
    return Atomics.load(this.header, DISK_FAILED) === 1;
  }

  /** Writes are the disk's business, not the power's. */
  beforeWrite(): void {}

  beforeSync(): void {
    const state = Atomics.load(this.header, POWER);
    if (state === Power.On) return;
    if (state === Power.OffAtNextSync) Atomics.compareExchange(this.header, POWER, Power.OffAtNextSync, Power.WentOffAtSync);
    this.halt();
  }

  // ── What the storage made durable (worker) ──────────────────────────────────────────────────

  segmentSynced(base: number, bytes: number): void {
    const at = this.findSegment(base);
    if (at >= 0) {
      this.segments[at * 2 + 1] = bytes;
      return;
    }
    const count = this.header[SEGMENTS]!;
    if (count >= MAX_SEGMENTS) return void (this.header[OVERFLOWED] = 1);
    this.segments[count * 2] = base;
    this.segments[count * 2 + 1] = bytes;
    this.header[SEGMENTS] = count + 1;
  }

  segmentDeleted(base: number): void {
    const at = this.findSegment(base);
    if (at < 0) return;
    const last = this.header[SEGMENTS]! - 1;
    this.segments[at * 2] = this.segments[last * 2]!;
    this.segments[at * 2 + 1] = this.segments[last * 2 + 1]!;
    this.header[SEGMENTS] = last;
  }

  hardStateDurable(bytes: Uint8Array): void {
    if (bytes.length > MAX_HARD_STATE_BYTES) {
      this.header[OVERFLOWED] = 1;
      return;
    }
    this.hardState.set(bytes);
    this.header[HARD_STATE_LENGTH] = bytes.length;
  }

  snapshotDurable(index: number, term: number): void {
    if (this.findSnapshot(index, term) >= 0) return;
    const count = this.header[SNAPSHOTS]!;
    if (count >= MAX_SNAPSHOTS) return void (this.header[OVERFLOWED] = 1);
    this.snapshots[count * 2] = index;
    this.snapshots[count * 2 + 1] = term;
    this.header[SNAPSHOTS] = count + 1;
  }

  snapshotDeleted(index: number, term: number): void {
    const at = this.findSnapshot(index, term);
    if (at < 0) return;
    const last = this.header[SNAPSHOTS]! - 1;
    this.snapshots[at * 2] = this.snapshots[last * 2]!;
    this.snapshots[at * 2 + 1] = this.snapshots[last * 2 + 1]!;
    this.header[SNAPSHOTS] = last;
  }

  /**
   * Recovery synced the directory, so every name in it is durable and hardstate.json's content is
   * (it was synced before its rename). Data is another matter: a segment keeps the synced length
   * recorded by an earlier worker of this node, and one it never heard of has none yet. The first
   * open in this server process knows no history, so it takes the files as they are (whatever wrote
   * them is older than the lab). What it recorded of files that are gone (a wiped directory) goes.
   */
  opened(found: DirectoryFound): void {
    const firstOpen = this.header[INITIALIZED] === 0;
    const known = new Map<number, number>();
    if (!firstOpen) for (const [base, bytes] of this.syncedSegments()) known.set(base, bytes);
    this.header[SEGMENTS] = 0;
    this.header[SNAPSHOTS] = 0;
    this.header[OVERFLOWED] = 0;
    this.header[HARD_STATE_LENGTH] = -1;
    for (const { base, bytes } of found.segments) this.segmentSynced(base, firstOpen ? bytes : Math.min(bytes, known.get(base) ?? 0));
    for (const { index, term } of found.snapshots) this.snapshotDurable(index, term);
    if (found.hardState) this.hardStateDurable(found.hardState);
    this.header[INITIALIZED] = 1;
  }

  // ── What the main thread reads once the worker is gone ──────────────────────────────────────

  /** False until a worker of this node has opened its disk in this server process. */
  get initialized(): boolean {
    return this.header[INITIALIZED] === 1;
  }

  /** More segments, snapshots or hard-state bytes than the ledger holds: it can no longer say. */
  get overflowed(): boolean {
    return this.header[OVERFLOWED] === 1;
  }

  /** Segment base → durable bytes, for every segment whose name is durable. */
  syncedSegments(): Map<number, number> {
    const out = new Map<number, number>();
    for (let i = 0; i < this.header[SEGMENTS]!; i++) out.set(this.segments[i * 2]!, this.segments[i * 2 + 1]!);
    return out;
  }

  /** hardstate.json's durable bytes, or null when no version of it is durable. */
  durableHardState(): Buffer | null {
    const length = this.header[HARD_STATE_LENGTH]!;
    return length < 0 ? null : Buffer.from(this.hardState.slice(0, length));
  }

  hasSnapshot(index: number, term: number): boolean {
    return this.findSnapshot(index, term) >= 0;
  }

  private findSegment(base: number): number {
    for (let i = 0; i < this.header[SEGMENTS]!; i++) if (this.segments[i * 2] === base) return i;
    return -1;
  }

  private findSnapshot(index: number, term: number): number {
    for (let i = 0; i < this.header[SNAPSHOTS]!; i++) if (this.snapshots[i * 2] === index && this.snapshots[i * 2 + 1] === term) return i;
    return -1;
  }
}
