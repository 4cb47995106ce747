// The node's status as the page sees it, and when a change is worth reporting: one rule for the
// worker runtime and the simulator, so a view folds identically.
import type { Status } from '../raft/index.ts';
import type { NodeStatus, ProgressView } from '../protocol/views.ts';

export function toNodeStatus(status: Status, applied: number): NodeStatus {
  const progress: Record<string, ProgressView> = {};
  for (const [id, p] of Object.entries(status.progress)) progress[id] = { match: p.match, next: p.next, state: p.state, inflight: p.inflight };
  return {
    role: status.role,
    term: status.term,
    vote: status.vote,
    leader: status.leader,
    commit: status.commit,
    applied,
    lastIndex: status.lastIndex,
    lastTerm: status.lastTerm,
    snapshotIndex: status.snapshotIndex,
    config: { voters: [...status.config.voters], learners: [...status.config.learners], votersOutgoing: [...status.config.votersOutgoing] },
    progress,
    electionElapsed: status.electionElapsed,
    electionTimeout: status.randomizedElectionTimeout,
    leaseReadSafe: status.leaseReadSafe,
  };
}

/**
 * A status is reported when anything a person sees changes — role, term, indexes, membership,
 * progress — or when the election timer restarts. Plain timer ticks are not reported.
 */
export function statusWorthReporting(now: NodeStatus, before: NodeStatus | undefined): boolean {
  if (!before) return true;
  if (
    now.role !== before.role || now.term !== before.term || now.vote !== before.vote || now.leader !== before.leader ||
    now.commit !== before.commit || now.applied !== before.applied || now.lastIndex !== before.lastIndex ||
    now.snapshotIndex !== before.snapshotIndex || now.leaseReadSafe !== before.leaseReadSafe ||
    now.electionTimeout !== before.electionTimeout || now.electionElapsed < before.electionElapsed
  ) {
    return true;
  }
  const a = now.config;
  const b = before.config;
  if (!sameList(a.voters, b.voters) || !sameList(a.learners, b.learners) || !sameList(a.votersOutgoing, b.votersOutgoing)) return true;
  return !sameProgress(now.progress, before.progress);
}

// Field by field rather than JSON.stringify: this runs after every turn of every node.
function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameProgress(a: NodeStatus['progress'], b: NodeStatus['progress']): boolean {
  const ids = Object.keys(a);
  if (ids.length !== Object.keys(b).length) return false;
  for (const id of ids) {
    const p = a[id]!;
    const q = b[id];
    if (!q || p.match !== q.match || p.next !== q.next || p.state !== q.state || p.inflight !== q.inflight) return false;
  }
  return true;
}
