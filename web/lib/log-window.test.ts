import { describe, expect, it } from 'vitest';
import { emptyNodeView, type EntryView, type NodeView } from '../../shared/protocol/index.ts';
import { logRowLabel, logRowLayout, logWindow } from './log-window.ts';

const entries = (from: number, to: number, term: (index: number) => number): EntryView[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ index: from + i, term: term(from + i), type: 'normal', summary: `put k${from + i}` }));

function node(id: string, patch: Partial<NodeView>): NodeView {
  return { ...emptyNodeView(id), life: 'alive', ...patch };
}

describe('the Logs panel window', () => {
  const leader = node('n1', {
    role: 'leader',
    term: 3,
    lastIndex: 50,
    commit: 47,
    log: entries(30, 50, (index) => (index < 45 ? 2 : 3)),
    progress: {
      n2: { match: 44, next: 45, state: 'replicate', inflight: 1 },
      n3: { match: 10, next: 11, state: 'probe', inflight: 0 },
    },
  });
  const follower = node('n2', { term: 3, lastIndex: 46, commit: 44, snapshotIndex: 20, log: entries(21, 46, (index) => (index < 45 ? 2 : 3)) });
  const behind = node('n3', { term: 3, lastIndex: 10, commit: 10, log: entries(1, 10, () => 1) });
  const nodes = [leader, follower, behind];

  it('shows the newest `width` indexes of any node, with the alive leader', () => {
    expect(logWindow(nodes, 10)).toEqual({ lo: 41, hi: 50, columns: 10, leader });
    expect(logWindow([node('n1', {})], 36)).toMatchObject({ lo: 1, hi: 1, columns: 1, leader: null });
  });

  it('places entries, the snapshot and the leader’s progress by slot', () => {
    const window = logWindow(nodes, 10);
    const row = logRowLayout(follower, window);
    expect(row.entries.map((entry) => entry.slot)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(row.entries.map((entry) => entry.committed)).toEqual([true, true, true, true, false, false]);
    expect(row.entries.map((entry) => entry.term)).toEqual([2, 2, 2, 2, 3, 3]);
    expect(row.compactedThrough).toBeNull();
    expect(row.match).toBe(3);
    expect(row.next).toBe(4);
    // A follower far behind: its progress is left of the window, and nothing of its log is in it.
    expect(logRowLayout(behind, window)).toMatchObject({ entries: [], match: null, next: null });
    // The leader has no progress of its own to show.
    expect(logRowLayout(leader, window)).toMatchObject({ match: null, next: null });
    // A snapshot reaching into the window is hatched up to its index.
    expect(logRowLayout(node('n4', { snapshotIndex: 43, lastIndex: 50 }), window).compactedThrough).toBe(2);
    // A caught-up follower's next index is the slot after the newest.
    const caughtUp = { ...leader, progress: { n2: { match: 50, next: 51, state: 'replicate' as const, inflight: 0 } } };
    expect(logRowLayout(follower, logWindow([caughtUp, follower], 10)).next).toBe(10);
  });

  it('says in words what a strip draws', () => {
    const window = logWindow(nodes, 10);
    expect(logRowLabel(leader, window)).toBe('Log of n1: entries 41–50, terms 2–3, committed through 47');
    expect(logRowLabel(behind, window)).toBe('Log of n3: no entries from 41 to 50');
    expect(logRowLabel(node('n5', { log: entries(45, 48, () => 3), commit: 48 }), window)).toBe('Log of n5: entries 45–48, term 3, committed through 48');
  });
});
