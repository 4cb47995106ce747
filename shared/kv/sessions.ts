// Client sessions (Raft thesis §6.3): a retried write must apply once. Each client keeps one
// request outstanding, numbered by seq; we remember the last seq and its result per client.
import { MAX_CLIENT_SESSIONS } from './limits.ts';
import type { KvSessionResult } from './results.ts';

export interface SessionRecord {
  readonly lastSeq: number;
  readonly lastResult: KvSessionResult;
}

export type SessionLookup =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate'; readonly result: KvSessionResult }
  | { readonly kind: 'stale'; readonly lastSeq: number };

export class SessionTable {
  // Map iteration order is insertion order; re-inserting on every use makes it least-recently-used
  // first, so eviction is deterministic on every replica (same applies → same order).
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(private readonly capacity: number = MAX_CLIENT_SESSIONS) {}

  lookup(client: string, seq: number): SessionLookup {
    const record = this.sessions.get(client);
    if (record === undefined || seq > record.lastSeq) return { kind: 'new' };
    if (seq === record.lastSeq) return { kind: 'duplicate', result: record.lastResult };
    return { kind: 'stale', lastSeq: record.lastSeq };
  }

  record(client: string, seq: number, result: KvSessionResult): void {
    this.sessions.delete(client);
    this.sessions.set(client, { lastSeq: seq, lastResult: result });
    if (this.sessions.size > this.capacity) {
      const oldest = this.sessions.keys().next();
      if (!oldest.done) this.sessions.delete(oldest.value);
    }
  }

  clear(): void {
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Least recently used first, as needed to rebuild the same eviction order. */
  entries(): Array<[string, SessionRecord]> {
    return [...this.sessions.entries()];
  }
}
