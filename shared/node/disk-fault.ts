// Disks that fail like disks: ONE fault model for both of the node runtime's disks. The worker's
// real write-ahead log (server/cluster/storage/fault-injection.ts) and the simulator's memory disk
// (memory-disk.ts) ask the same DiskFaults before every write and every sync, so a fault means the
// same thing on the page and in a seed. Pure data and decisions; randomness is passed in.
//   slow     every sync takes a latency drawn from a log-normal with the given p50 and p99 (the
//            real WAL really waits; the memory disk reports it).
//   failing  the next sync (or write) returns EIO, once. The node must stop at once and never retry
//            that sync: after a failed fsync the page cache no longer says what is on the platter
//            (PostgreSQL's "fsyncgate"), and a retry would succeed and lie. Spent once it fired.
//   full     every write that needs space returns ENOSPC (syncs and deletions still work); nothing
//            of the write is kept, so it can be retried once space is freed.
//   corrupt  a bit flipped in a synced record mid-log: no effect on writes, the damage is in the
//            data (server/cluster/storage/corrupt-record.ts, MemoryDisk.corrupt) and recovery
//            refuses it.
import type { Prng } from '../net/prng.ts';
import { DiskFailure } from './disk.ts';

export type DiskFault =
  | { readonly kind: 'none' }
  | { readonly kind: 'slow'; readonly p50Ms: number; readonly p99Ms: number }
  | { readonly kind: 'failing'; readonly on: 'sync' | 'write' }
  | { readonly kind: 'full' }
  /** Where the bit was flipped, as the disk said when it flipped it. */
  | { readonly kind: 'corrupt'; readonly where: string };

export type DiskFaultKind = DiskFault['kind'];

export const NO_DISK_FAULT: DiskFault = { kind: 'none' };

/** What the disk is about to do. `grows`: the write needs new space (an append, a new file). */
export type DiskOperation = { readonly op: 'write'; readonly file: string; readonly grows: boolean } | { readonly op: 'sync'; readonly file: string; readonly syscall: 'fdatasync' | 'fsync' };

/** The upper bound on one drawn latency: the worker really blocks that long. */
export const MAX_SLOW_MS = 5000;

/** z for the 99th percentile of a standard normal: p99 = p50 · e^(σ·z). */
const Z99 = 2.3263;

/** Draws one sync's latency from the log-normal whose median is p50Ms and 99th percentile p99Ms. */
export function drawLatencyMs(fault: { readonly p50Ms: number; readonly p99Ms: number }, random: Prng): number {
  const sigma = Math.log(Math.max(fault.p99Ms, fault.p50Ms) / Math.max(fault.p50Ms, 0.001)) / Z99;
  // Box–Muller: two uniforms make one standard normal. 1 - u keeps the log away from 0.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(MAX_SLOW_MS, fault.p50Ms * Math.exp(sigma * normal));
}

/** A disk's current fault and the decisions it makes. One per disk; the disk asks before each operation. */
export class DiskFaults {
  private current: DiskFault = NO_DISK_FAULT;

  constructor(
    private readonly random: Prng,
    initial: DiskFault = NO_DISK_FAULT,
  ) {
    this.current = initial;
  }

  get fault(): DiskFault {
    return this.current;
  }

  set(fault: DiskFault): void {
    this.current = fault;
  }

  get full(): boolean {
    return this.current.kind === 'full';
  }

  /**
   * Before an operation: throws the DiskFailure the fault makes of it (nothing of it happens), or
   * returns how many milliseconds it takes beyond the disk's own time (a slow sync).
   */
  before(operation: DiskOperation): number {
    const fault = this.current;
    switch (fault.kind) {
      case 'none':
      case 'corrupt':
        return 0;
      case 'slow':
        return operation.op === 'sync' ? drawLatencyMs(fault, this.random) : 0;
      case 'full':
        if (operation.op === 'write' && operation.grows) throw new DiskFailure('ENOSPC', 'write', operation.file);
        return 0;
      case 'failing':
        if (fault.on !== operation.op) return 0;
        // Spent: the next operation would succeed, which is exactly why a node must not retry.
        this.current = NO_DISK_FAULT;
        throw new DiskFailure('EIO', operation.op === 'sync' ? operation.syscall : 'write', operation.file);
    }
  }
}

/** The fault in a few words, for the node's card and the fault log. */
export function describeDiskFault(fault: DiskFault): string {
  switch (fault.kind) {
    case 'none':
      return 'healthy';
    case 'slow':
      return `slow: syncs take ${fault.p50Ms} ms (p50) to ${fault.p99Ms} ms (p99)`;
    case 'failing':
      return `failing: the next ${fault.on === 'sync' ? 'fsync' : 'write'} returns EIO`;
    case 'full':
      return 'full: writes return ENOSPC';
    case 'corrupt':
      return `corrupt: ${fault.where}`;
  }
}
