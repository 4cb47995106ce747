import { describe, expect, it } from 'vitest';
import { InvariantMonitor } from './invariants.ts';
import type { Observation, ObservedEntry } from './observations.ts';

const e = (index: number, term: number, data = `cmd-${index}-${term}`): ObservedEntry => ({ index, term, data });
const feed = (monitor: InvariantMonitor, ...observations: Observation[]) => observations.flatMap((o) => monitor.observe(o));
const names = (monitor: InvariantMonitor) => monitor.violations.map((v) => v.invariant);

describe('InvariantMonitor', () => {
  it('accepts a normal run: election, replication, commit, apply, crash and recovery', () => {
    const m = new InvariantMonitor();
    const log = [e(1, 1, ''), e(2, 1)];
    feed(
      m,
      { kind: 'hard-state', node: 'n1', term: 1, vote: 'n1', commit: 0 },
      { kind: 'role', node: 'n1', term: 1, role: 'leader' },
      { kind: 'append', node: 'n1', entries: log },
      { kind: 'append', node: 'n2', entries: log },
      { kind: 'commit', node: 'n1', commit: 2 },
      { kind: 'apply', node: 'n1', entry: e(2, 1) },
      { kind: 'crash', node: 'n2' },
      { kind: 'restart', node: 'n2', hardState: { term: 1, vote: 'n1', commit: 0 }, log },
      { kind: 'commit', node: 'n2', commit: 2 },
      { kind: 'apply', node: 'n2', entry: e(2, 1) },
    );
    expect(m.violations).toEqual([]);
    expect(m.committedIndex).toBe(2);
  });

  it('catches two leaders in one term', () => {
    const m = new InvariantMonitor();
    const found = feed(m, { kind: 'role', node: 'n1', term: 3, role: 'leader' }, { kind: 'role', node: 'n2', term: 3, role: 'leader' });
    expect(found[0]).toMatchObject({ invariant: 'election-safety', details: { term: 3, leaders: ['n1', 'n2'] }, step: 1 });
    expect(found[0]?.explanation).toMatch(/at most one leader per term/);
  });

  it('catches a leader that overwrites its own log, but lets followers give way', () => {
    const m = new InvariantMonitor();
    feed(m, { kind: 'append', node: 'n2', entries: [e(1, 1), e(2, 1)] }, { kind: 'append', node: 'n2', entries: [e(2, 2)] });
    expect(m.violations).toEqual([]);
    feed(m, { kind: 'role', node: 'n1', term: 2, role: 'leader' }, { kind: 'append', node: 'n1', entries: [e(1, 1), e(2, 2)] }, { kind: 'append', node: 'n1', entries: [e(2, 3)] });
    expect(names(m)).toEqual(['leader-append-only']);
  });

  it('catches logs that disagree on an (index, term) pair or on what precedes it', () => {
    const m = new InvariantMonitor();
    feed(m, { kind: 'append', node: 'n1', entries: [e(1, 1, 'a')] }, { kind: 'append', node: 'n2', entries: [e(1, 1, 'b')] });
    expect(names(m)).toEqual(['log-matching']);
    const m2 = new InvariantMonitor();
    feed(m2, { kind: 'append', node: 'n1', entries: [e(1, 1), e(2, 2)] }, { kind: 'append', node: 'n2', entries: [e(1, 2, 'x'), e(2, 2)] });
    expect(m2.violations[0]?.explanation).toMatch(/not just before it/);
  });

  it('catches a leader elected without a committed entry, and a commit learned later', () => {
    const m = new InvariantMonitor();
    feed(m, { kind: 'append', node: 'n1', entries: [e(1, 1)] }, { kind: 'commit', node: 'n1', commit: 1 }, { kind: 'role', node: 'n2', term: 2, role: 'leader' });
    expect(m.violations[0]).toMatchObject({ invariant: 'leader-completeness', details: { node: 'n2', index: 1 } });
    const late = new InvariantMonitor();
    feed(late, { kind: 'append', node: 'n1', entries: [e(1, 1)] }, { kind: 'role', node: 'n2', term: 2, role: 'leader' }, { kind: 'commit', node: 'n1', commit: 1 });
    expect(names(late)).toEqual(['leader-completeness']);
  });

  it('catches different entries applied at one index', () => {
    const m = new InvariantMonitor();
    feed(m, { kind: 'apply', node: 'n1', entry: e(4, 2, 'put a') }, { kind: 'apply', node: 'n2', entry: e(4, 3, 'put b') });
    expect(names(m)).toEqual(['state-machine-safety']);
  });

  it('catches a committed entry erased from a follower', () => {
    const m = new InvariantMonitor();
    feed(
      m,
      { kind: 'role', node: 'n1', term: 1, role: 'follower' },
      { kind: 'append', node: 'n1', entries: [e(1, 1)] },
      { kind: 'commit', node: 'n1', commit: 1 },
      { kind: 'role', node: 'n1', term: 2, role: 'follower' },
      { kind: 'append', node: 'n1', entries: [e(1, 2)] },
    );
    expect(names(m)).toContain('leader-completeness');
  });

  it('binds only leaders of terms after the commit, not a late leader of an older term', () => {
    // n5 (term 9) commits entry 65 of term 7; n1 then completes an election for term 8 from votes
    // that were delayed in flight, and n3, still in term 8, follows it. Raft allows both.
    const m = new InvariantMonitor();
    feed(
      m,
      { kind: 'role', node: 'n5', term: 9, role: 'leader' },
      { kind: 'append', node: 'n5', entries: [e(1, 7), e(2, 9)] },
      { kind: 'commit', node: 'n5', commit: 2 },
      { kind: 'role', node: 'n3', term: 8, role: 'follower' },
      { kind: 'append', node: 'n3', entries: [e(1, 7)] },
      { kind: 'role', node: 'n1', term: 8, role: 'leader' },
      { kind: 'append', node: 'n1', entries: [e(1, 8)] },
      { kind: 'append', node: 'n3', entries: [e(1, 8)] },
    );
    expect(m.violations).toEqual([]);
    feed(m, { kind: 'role', node: 'n2', term: 10, role: 'leader' });
    expect(names(m)).toEqual(['leader-completeness']);
  });

  it('catches durable entries and votes lost across a crash', () => {
    const m = new InvariantMonitor();
    feed(
      m,
      { kind: 'hard-state', node: 'n3', term: 4, vote: 'n1', commit: 1 },
      { kind: 'append', node: 'n3', entries: [e(1, 1), e(2, 4)] },
      { kind: 'commit', node: 'n3', commit: 2 },
      { kind: 'crash', node: 'n3' },
      { kind: 'restart', node: 'n3', hardState: { term: 4, vote: null, commit: 1 }, log: [e(1, 1)] },
    );
    expect(m.violations.map((v) => v.invariant)).toEqual(['durability', 'durability']);
    expect(m.violations[0]?.explanation).toMatch(/without committed entry 2/);
  });

  it('accepts a restart whose snapshot covers the entries it compacted', () => {
    const m = new InvariantMonitor();
    feed(
      m,
      { kind: 'append', node: 'n1', entries: [e(1, 1), e(2, 1), e(3, 1)] },
      { kind: 'snapshot', node: 'n1', index: 2, term: 1 },
      { kind: 'crash', node: 'n1' },
      { kind: 'restart', node: 'n1', hardState: { term: 1, vote: null, commit: 2 }, snapshot: { index: 2, term: 1 }, log: [e(3, 1)] },
      { kind: 'append', node: 'n1', entries: [e(4, 1)] },
    );
    expect(m.violations).toEqual([]);
  });

  it('catches a second vote in one term (a forgotten vote)', () => {
    const m = new InvariantMonitor();
    feed(m, { kind: 'hard-state', node: 'n2', term: 5, vote: 'n1', commit: 0 }, { kind: 'hard-state', node: 'n2', term: 5, vote: 'n3', commit: 0 });
    expect(m.violations[0]).toMatchObject({ invariant: 'single-vote', details: { firstVote: 'n1', secondVote: 'n3' } });
  });

  it('emits each violation once to a listener', () => {
    const heard: string[] = [];
    const m = new InvariantMonitor((v) => heard.push(v.invariant));
    for (let i = 0; i < 3; i++) feed(m, { kind: 'role', node: 'n1', term: 1, role: 'leader' }, { kind: 'role', node: 'n2', term: 1, role: 'leader' });
    expect(heard).toEqual(['election-safety']);
  });

  it('forgets history that every node compacted, and keeps checking what follows', () => {
    const m = new InvariantMonitor();
    const entries = Array.from({ length: 1500 }, (_, i) => e(i + 1, 1));
    for (const node of ['n1', 'n2']) feed(m, { kind: 'append', node, entries }, { kind: 'commit', node, commit: 1500 });
    for (const node of ['n1', 'n2']) feed(m, { kind: 'snapshot', node, index: 1200, term: 1 });
    expect(m.committedEntry(5)).toBeUndefined();
    expect(m.committedEntry(1300)).toEqual(e(1300, 1));
    expect(m.committedIndex).toBe(1500);
    feed(m, { kind: 'apply', node: 'n1', entry: e(1400, 1) }, { kind: 'apply', node: 'n2', entry: e(1400, 2, 'other') });
    expect(names(m)).toEqual(['state-machine-safety']);
  });
});
