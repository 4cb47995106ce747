// Small builders for the unit tests: a cluster view and stamped events.
import { emptyClusterView, type ClusterEvent, type ClusterView, type UnstampedEvent } from '../../shared/protocol/index.ts';

export function startView(): ClusterView {
  const view = emptyClusterView('default', 'teaching', 10);
  return view;
}

export function stamp(events: readonly UnstampedEvent[], firstSeq = 1, step = 10): ClusterEvent[] {
  return events.map((event, i) => ({ ...event, seq: firstSeq + i, time: (firstSeq + i) * step }) as ClusterEvent);
}

export const status = (node: string, role: 'leader' | 'follower' | 'candidate', term: number): UnstampedEvent => ({
  type: 'node-status',
  node,
  status: {
    role,
    term,
    vote: null,
    leader: role === 'leader' ? node : null,
    commit: 0,
    applied: 0,
    lastIndex: 0,
    lastTerm: 0,
    snapshotIndex: 0,
    config: { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] },
    progress: {},
    electionElapsed: 0,
    electionTimeout: 20,
    leaseReadSafe: false,
  },
});
