// The leader's view of one follower (etcd's tracker/). A follower's progress is in one of three states:
//
//   probe ──(append acked)──▶ replicate ──(append rejected)──▶ probe
//     │                                                           ▲
//     └──(needed entries compacted)──▶ snapshot ──(snapshot acked / timed out)─┘
//
// probe:     one Append at a time until the leader learns where the logs match.
// replicate: pipelining — Appends go out optimistically, up to `maxInflight` unacknowledged.
// snapshot:  an InstallSnapshot is in flight; nothing else is sent until it is acked.

import type { NodeId } from './types.ts';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** probe: an Append is out and unanswered. */
  probeSent = false;
  /** snapshot: the index of the snapshot in flight. */
  pendingSnapshot = 0;
  /** Ticks spent in the snapshot state; a lost snapshot is retried after an election timeout. */
  snapshotTicks = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** Leader tick at which the newest acknowledged heartbeat was sent (for the lease). */
  leaseTick = Number.NEGATIVE_INFINITY;
  /** Last indexes of the Appends in flight (replicate state). */
  readonly inflights: number[] = [];

  constructor(
    readonly id: NodeId,
    next: number,
    public isLearner: boolean,
    private readonly maxInflight: number,
  ) {
    this.next = next;
  }

  /** An ack for `index`: returns false when it tells nothing new (stale or duplicate). */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /** A rejection of the Append whose prevIndex was `rejected`; `hint` is where to try next. */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false; // stale: we already know it matches there
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false; // answer to an older probe
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1, 1);
    this.probeSent = false;
    return true;
  }

  becomeProbe(): void {
    const afterSnapshot = this.state === 'snapshot' ? this.pendingSnapshot + 1 : 0;
    this.reset('probe');
    this.next = Math.max(this.match + 1, afterSnapshot);
  }

  becomeReplicate(): void {
    this.reset('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(index: number): void {
    this.reset('snapshot');
    this.pendingSnapshot = index;
  }

  private reset(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotTicks = 0;
    this.inflights.length = 0;
  }

  /** Bookkeeping after an Append carrying entries up to `lastIndex` was sent. */
  sentEntries(lastIndex: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflights.push(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  freeInflightsUpTo(index: number): void {
    while (this.inflights.length > 0 && (this.inflights[0] ?? 0) <= index) this.inflights.shift();
  }

  inflightFull(): boolean {
    return this.inflights.length >= this.maxInflight;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflightFull();
      case 'snapshot':
        return true;
    }
  }
}
