// The monitor's copy of one node's durable log: a snapshot point followed by entries.
import type { ObservedEntry } from './observations.ts';

export class NodeLog {
  snapshotIndex = 0;
  snapshotTerm = 0;
  /** entries[k] has index snapshotIndex + 1 + k. */
  entries: ObservedEntry[] = [];

  get lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  /** The entry at `index`, or undefined if absent or covered by the snapshot. */
  entry(index: number): ObservedEntry | undefined {
    return index > this.snapshotIndex ? this.entries[index - this.snapshotIndex - 1] : undefined;
  }

  /** Term at `index`: known for stored entries, the snapshot point, and index 0. */
  termAt(index: number): number | undefined {
    if (index === 0) return 0;
    if (index === this.snapshotIndex) return this.snapshotTerm;
    return this.entry(index)?.term;
  }

  /** Whether `index` is compacted into the snapshot (its entry can no longer be compared). */
  covered(index: number): boolean {
    return index <= this.snapshotIndex;
  }

  /** Replaces the log from `from` on; returns the entries removed. */
  truncateFrom(from: number): ObservedEntry[] {
    const keep = Math.max(0, from - this.snapshotIndex - 1);
    return keep >= this.entries.length ? [] : this.entries.splice(keep);
  }

  applySnapshot(index: number, term: number): void {
    if (index <= this.snapshotIndex) return;
    const sameEntry = this.termAt(index) === term;
    // A snapshot that matches our log compacts its prefix; otherwise it replaces the whole log.
    this.entries = sameEntry ? this.entries.slice(index - this.snapshotIndex) : [];
    this.snapshotIndex = index;
    this.snapshotTerm = term;
  }

  clone(): NodeLog {
    const copy = new NodeLog();
    copy.snapshotIndex = this.snapshotIndex;
    copy.snapshotTerm = this.snapshotTerm;
    copy.entries = [...this.entries];
    return copy;
  }
}
