// Which slice of the logs the Logs panel shows, and where each entry and marker sits in it: the
// newest `width` indexes of any node, aligned by index across nodes. Both drawings of the panel use
// it (elements per entry at teaching speed, a strip per node at production speed).
import type { NodeView } from '../../shared/protocol/index.ts';

export interface LogWindow {
  /** First and last index shown (lo ≥ 1). */
  lo: number;
  hi: number;
  columns: number;
  /** The alive leader whose match/next indexes are shown, if any. */
  leader: NodeView | null;
}

export function logWindow(nodes: readonly NodeView[], width: number): LogWindow {
  const hi = Math.max(1, ...nodes.map((node) => Math.max(node.lastIndex, node.log.at(-1)?.index ?? 0)));
  const lo = Math.max(1, hi - width + 1);
  const leader = nodes.find((node) => node.life === 'alive' && node.role === 'leader') ?? null;
  return { lo, hi, columns: hi - lo + 1, leader };
}

/** The entries of `node` inside the window. */
export function entriesShown(node: NodeView, window: LogWindow): NodeView['log'] {
  return node.log.filter((entry) => entry.index >= window.lo && entry.index <= window.hi);
}

/** Position of an index in the window: 0 for `lo`; `columns` is the narrow slot after `hi`, where
 *  "next" points when a follower is caught up. */
export function slotOf(index: number, window: LogWindow): number {
  return index - window.lo;
}

export interface LogRowLayout {
  id: string;
  /** Slots [0, compactedThrough] are in the snapshot; null when none of the window is. */
  compactedThrough: number | null;
  entries: { slot: number; term: number; committed: boolean }[];
  /** The leader's match and next index for this follower, as slots; null when off the window. */
  match: number | null;
  next: number | null;
}

/** One node's row: what a strip draws. */
export function logRowLayout(node: NodeView, window: LogWindow): LogRowLayout {
  const progress = window.leader && window.leader.id !== node.id ? window.leader.progress[node.id] : undefined;
  return {
    id: node.id,
    compactedThrough: node.snapshotIndex >= window.lo ? slotOf(Math.min(node.snapshotIndex, window.hi), window) : null,
    entries: entriesShown(node, window).map((entry) => ({ slot: slotOf(entry.index, window), term: entry.term, committed: entry.index <= node.commit })),
    match: progress && progress.match >= window.lo ? slotOf(Math.min(progress.match, window.hi), window) : null,
    next: progress && progress.next >= window.lo && progress.next <= window.hi + 1 ? slotOf(Math.min(progress.next, window.hi + 1), window) : null,
  };
}

/** What a strip says to a screen reader in place of one label per entry. */
export function logRowLabel(node: NodeView, window: LogWindow): string {
  const shown = entriesShown(node, window);
  if (shown.length === 0) return `Log of ${node.id}: no entries from ${window.lo} to ${window.hi}${node.snapshotIndex >= window.lo ? `, compacted through ${node.snapshotIndex}` : ''}`;
  const first = shown[0]!;
  const last = shown.at(-1)!;
  const terms = first.term === last.term ? `term ${last.term}` : `terms ${first.term}–${last.term}`;
  return `Log of ${node.id}: entries ${first.index}–${last.index}, ${terms}, committed through ${node.commit}`;
}
