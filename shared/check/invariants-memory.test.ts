// The monitor runs for hours on the live server: what it holds per index must stay bounded by how
// far the live nodes' snapshots lag, not grow with the history (a 30-minute soak held 113,000
// indexes after 90 s and kept growing until the checker stopped at its observation bound).
import { describe, expect, it } from 'vitest';
import { ClusterChecker } from './cluster-checker.ts';
import type { Observation, ObservedEntry } from './observations.ts';

const e = (index: number, term = 1): ObservedEntry => ({ index, term, data: `cmd-${index}` });
const NODES = ['n1', 'n2', 'n3'];

/** `count` entries appended, committed and applied on every node, each compacting every 500. */
function replicate(checker: ClusterChecker, from: number, count: number, nodes = NODES): void {
  for (let index = from; index < from + count; index++) {
    const batch: Observation[] = [];
    for (const node of nodes) {
      batch.push({ kind: 'append', node, entries: [e(index)] }, { kind: 'commit', node, commit: index }, { kind: 'apply', node, entry: e(index) });
      if (index % 500 === 0) batch.push({ kind: 'snapshot', node, index, term: 1 });
    }
    checker.observe(batch);
  }
}

describe('the invariant monitor on a long run', () => {
  it('forgets indexes every live node has compacted', () => {
    const checker = new ClusterChecker(() => {});
    checker.observe([{ kind: 'role', node: 'n1', term: 1, role: 'leader' }]);
    replicate(checker, 1, 20_000);
    expect(checker.violations).toEqual([]);
    expect(checker.progress.prunedBelow).toBeGreaterThanOrEqual(19_000);
    // Three per-index maps and three logs, each at most a compaction interval plus a prune step behind.
    expect(checker.progress.indexes).toBeLessThan(3 * 1_600);
    expect(checker.progress.logEntries).toBeLessThan(3 * 600);
  });

  it('does not let a node that is down, or a wiped node, hold the floor back', () => {
    const checker = new ClusterChecker(() => {});
    checker.observe([{ kind: 'role', node: 'n1', term: 1, role: 'leader' }]);
    replicate(checker, 1, 2_000);
    checker.crashed('n3');
    replicate(checker, 2_001, 8_000, ['n1', 'n2']);
    expect(checker.progress.prunedBelow).toBeGreaterThanOrEqual(9_000);
    // n3 comes back with its old log, is wiped (a new, empty disk) and caught up by snapshot.
    checker.wiped('n3');
    checker.observe([{ kind: 'restart', node: 'n3', hardState: { term: 1, vote: null, commit: 0 }, log: [] }, { kind: 'snapshot', node: 'n3', index: 10_000, term: 1 }]);
    replicate(checker, 10_001, 5_000);
    expect(checker.violations).toEqual([]);
    expect(checker.progress.prunedBelow).toBeGreaterThanOrEqual(14_000);
    expect(checker.progress.indexes).toBeLessThan(3 * 1_600);
  });

  it('still judges a restarted node against its own durable log after pruning', () => {
    const found: string[] = [];
    const checker = new ClusterChecker((violation) => found.push(violation.invariant));
    checker.observe([{ kind: 'role', node: 'n1', term: 1, role: 'leader' }]);
    replicate(checker, 1, 2_900);
    checker.crashed('n2');
    // It restarts without entries 2,501–2,900, which it had stored after its snapshot at 2,500.
    checker.observe([{ kind: 'restart', node: 'n2', hardState: { term: 1, vote: null, commit: 2_500 }, snapshot: { index: 2_500, term: 1 }, log: [] }]);
    expect(found).toEqual(['durability']);
  });

  it('stops at its bound when a live node that never compacts holds the floor back', () => {
    const told: string[] = [];
    const checker = new ClusterChecker(() => {}, { maxHeld: 30_000, onStop: (why) => told.push(why) });
    checker.observe([{ kind: 'role', node: 'n1', term: 1, role: 'leader' }]);
    // n3 is live but cut off: it compacts nothing, so nothing can be forgotten.
    replicate(checker, 1, 2_000);
    expect(checker.running).toBe(true);
    for (let index = 2_001; index < 12_000; index++) {
      checker.observe(['n1', 'n2'].flatMap((node): Observation[] => [{ kind: 'append', node, entries: [e(index)] }, { kind: 'commit', node, commit: index }, { kind: 'apply', node, entry: e(index) }]));
    }
    expect(checker.running).toBe(false);
    // The page is told, once, so a "0 violations" after this is not read as a clean bill.
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^The live checker stopped after [\d,]+ observations: it held [\d,]+ indexes and log entries, past its bound of 30,000/);
  });
});
