// ReadIndex bookkeeping on the leader (thesis 6.4, etcd's read_only.go). A read is recorded with the
// commit index at the time it arrived; a heartbeat round carrying its context must be acknowledged by a
// quorum before the read is answered, which proves no newer leader existed when the read arrived.

import type { NodeId } from './types.ts';

export interface PendingRead {
  readonly context: string;
  /** The commit index when the request arrived: the read may be served once applied >= index. */
  readonly index: number;
  /** Who asked: this node, or a follower that forwarded the request. */
  readonly from: NodeId;
  readonly acks: Set<NodeId>;
}

export class ReadOnlyQueue {
  private queue: PendingRead[] = [];

  has(context: string): boolean {
    return this.queue.some((r) => r.context === context);
  }

  add(read: PendingRead): void {
    if (!this.has(read.context)) this.queue.push(read);
  }

  /** Context of the newest read, carried by every heartbeat so that any round confirms it. */
  lastContext(): string {
    return this.queue[this.queue.length - 1]?.context ?? '';
  }

  /** Records `from`'s ack of `context`. When `confirmed` says the acks now form a quorum, returns that
   *  read and every read queued before it (a later confirmation covers earlier requests). */
  ack(context: string, from: NodeId, confirmed: (acks: ReadonlySet<NodeId>) => boolean): PendingRead[] {
    const at = this.queue.findIndex((r) => r.context === context);
    const read = this.queue[at];
    if (read === undefined) return [];
    read.acks.add(from);
    if (!confirmed(read.acks)) return [];
    return this.queue.splice(0, at + 1);
  }

  takeAll(): PendingRead[] {
    const all = this.queue;
    this.queue = [];
    return all;
  }

  size(): number {
    return this.queue.length;
  }
}
