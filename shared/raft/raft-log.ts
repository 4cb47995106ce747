// The replicated log as one node holds it: an optional snapshot, then a contiguous run of entries.
// Everything is in memory; `unstableFrom` marks the first entry the host has not yet persisted
// (etcd's unstable log), and `pendingSnapshot` a snapshot the host has not yet persisted.

import type { Entry, Snapshot } from './types.ts';

export type SnapshotSource = 'leader' | 'local';

export class RaftLog {
  /** entries[i].index === offset + i */
  private entries: Entry[] = [];
  private offset = 1;
  /** Term of the entry at offset - 1 (the snapshot's, or 0 before any entry). */
  private prevTerm = 0;
  /** The newest snapshot, kept to send to followers that are too far behind. */
  snapshot: Snapshot | null = null;
  /** A snapshot the host must persist (and, from the leader, restore its state machine from). */
  pendingSnapshot: { snapshot: Snapshot; source: SnapshotSource } | null = null;
  /** The first index not yet persisted by the host. */
  unstableFrom = 1;
  /** Highest index known committed (Figure 2's commitIndex). */
  commit = 0;

  /** The first index still held as an entry. */
  firstIndex(): number {
    return this.offset;
  }

  lastIndex(): number {
    return this.offset + this.entries.length - 1;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** The term of entry `index`, or undefined when it is compacted away or not there yet. */
  term(index: number): number | undefined {
    if (index === this.offset - 1) return this.prevTerm;
    if (index < this.offset - 1 || index > this.lastIndex()) return undefined;
    return this.entries[index - this.offset]?.term;
  }

  entry(index: number): Entry | undefined {
    if (index < this.offset) return undefined;
    return this.entries[index - this.offset];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Section 5.4.1: a candidate's log is up to date if its last term is higher, or equal with an index at least as long. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries [lo, hi), at most `max` of them; lo must not be compacted. */
  slice(lo: number, hi: number, max = Number.POSITIVE_INFINITY): Entry[] {
    const from = Math.max(lo, this.offset);
    const to = Math.min(hi, this.lastIndex() + 1, from + max);
    if (to <= from) return [];
    return this.entries.slice(from - this.offset, to - this.offset);
  }

  /** Appends entries that follow the last one (leader path). */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    if (first.index !== this.lastIndex() + 1) {
      this.truncateAndAppend(entries);
      return;
    }
    this.entries.push(...entries);
  }

  /** Replaces the suffix starting at entries[0].index (conflict truncation, Figure 2 receiver rule 3). */
  private truncateAndAppend(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    if (first.index < this.offset) return; // would rewrite compacted history; callers never ask this
    this.entries.splice(first.index - this.offset);
    this.entries.push(...entries);
    this.unstableFrom = Math.min(this.unstableFrom, first.index);
  }

  /** Figure 2 AppendEntries receiver rules 2-4. Returns the index of the last new entry, or null
   *  when the log does not contain prevIndex/prevTerm. Entries already present are left alone, so a
   *  delayed, duplicated Append never truncates entries that arrived later. */
  maybeAppend(prevIndex: number, prevTerm: number, entries: readonly Entry[]): number | null {
    if (!this.matchTerm(prevIndex, prevTerm)) return null;
    const lastNew = prevIndex + entries.length;
    const conflict = entries.find((e) => !this.matchTerm(e.index, e.term));
    if (conflict !== undefined) this.truncateAndAppend(entries.slice(conflict.index - prevIndex - 1));
    return lastNew;
  }

  /** For a rejection hint: the largest index <= `index` whose term is <= `term` (etcd's findConflictByTerm). */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    while (i >= this.offset - 1) {
      const t = this.term(i);
      if (t === undefined) break;
      if (t <= term) return { index: i, term: t };
      i--;
    }
    return { index: Math.max(i, 0), term: 0 };
  }

  commitTo(index: number): boolean {
    const target = Math.min(index, this.lastIndex());
    if (target <= this.commit) return false;
    this.commit = target;
    return true;
  }

  unstableEntries(): Entry[] {
    return this.slice(this.unstableFrom, this.lastIndex() + 1);
  }

  /** The host persisted entries up to (index, term); ignored if the log changed under it since. */
  stableTo(index: number, term: number): void {
    if (this.term(index) === term && index >= this.unstableFrom) this.unstableFrom = index + 1;
  }

  /** Replaces the whole log by a snapshot from the leader (section 7). */
  restore(snapshot: Snapshot, source: SnapshotSource): void {
    this.entries = [];
    this.offset = snapshot.metadata.index + 1;
    this.prevTerm = snapshot.metadata.term;
    this.unstableFrom = this.offset;
    this.commit = Math.max(this.commit, snapshot.metadata.index);
    this.snapshot = snapshot;
    this.pendingSnapshot = { snapshot, source };
  }

  /** Records a locally taken snapshot; entries up to it stay until `compactTo`. */
  setSnapshot(snapshot: Snapshot, source: SnapshotSource): void {
    this.snapshot = snapshot;
    this.pendingSnapshot = { snapshot, source };
  }

  /** Drops entries before `firstKept` (they are covered by the snapshot). */
  compactTo(firstKept: number): void {
    const keep = Math.min(firstKept, this.lastIndex() + 1);
    if (keep <= this.offset) return;
    this.prevTerm = this.term(keep - 1) ?? this.prevTerm;
    this.entries.splice(0, keep - this.offset);
    this.offset = keep;
    this.unstableFrom = Math.max(this.unstableFrom, keep);
  }
}
