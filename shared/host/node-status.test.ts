import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../protocol/views.ts';
import { statusWorthReporting } from './node-status.ts';

const base: NodeStatus = {
  role: 'leader', term: 2, vote: 'n1', leader: 'n1', commit: 5, applied: 5, lastIndex: 5, lastTerm: 2, snapshotIndex: 0,
  config: { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] },
  progress: { n2: { match: 5, next: 6, state: 'replicate', inflight: 0 }, n3: { match: 4, next: 6, state: 'replicate', inflight: 1 } },
  electionElapsed: 3, electionTimeout: 12, leaseReadSafe: true,
};

describe('statusWorthReporting', () => {
  it('stays quiet for a timer tick and speaks for a restarted timer', () => {
    expect(statusWorthReporting({ ...base, electionElapsed: 4 }, base)).toBe(false);
    expect(statusWorthReporting({ ...base, electionElapsed: 0 }, base)).toBe(true);
  });

  it('sees a membership change in any list', () => {
    expect(statusWorthReporting({ ...base, config: { ...base.config, learners: ['n4'] } }, base)).toBe(true);
    expect(statusWorthReporting({ ...base, config: { ...base.config, voters: ['n1', 'n2', 'n4'] } }, base)).toBe(true);
    expect(statusWorthReporting({ ...base, config: { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] } }, base)).toBe(false);
  });

  it('sees a follower progress change, a follower added or gone', () => {
    expect(statusWorthReporting({ ...base, progress: { ...base.progress, n3: { match: 5, next: 6, state: 'replicate', inflight: 0 } } }, base)).toBe(true);
    expect(statusWorthReporting({ ...base, progress: { n2: base.progress['n2']! } }, base)).toBe(true);
    expect(statusWorthReporting({ ...base, progress: { ...base.progress, n4: { match: 0, next: 1, state: 'probe', inflight: 0 } } }, base)).toBe(true);
    expect(statusWorthReporting({ ...base, progress: { n3: base.progress['n3']!, n2: base.progress['n2']! } }, base)).toBe(false);
  });
});
