// Client sessions for the lab's own writes. A session (client id + sequence number) makes a
// retried write apply once, but the state machine refuses a sequence number below the session's
// last one — so a session may carry only one write at a time. Concurrent writes each take a free
// session from the pool; the pool grows to the highest concurrency seen.
export interface Lease {
  readonly client: string;
  readonly seq: number;
}

export class SessionPool {
  private readonly free: { client: string; seq: number }[] = [];
  private created = 0;

  constructor(private readonly prefix: string) {}

  /** A session no other write is using, with its next sequence number. */
  acquire(): Lease {
    const session = this.free.pop() ?? { client: `${this.prefix}-${++this.created}`, seq: 0 };
    session.seq += 1;
    return { client: session.client, seq: session.seq };
  }

  /** The write is over (whatever its outcome): its session may carry the next one. */
  release(lease: Lease): void {
    this.free.push({ client: lease.client, seq: lease.seq });
  }

  get size(): number {
    return this.created;
  }
}
