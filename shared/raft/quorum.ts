// Pure quorum maths (etcd's quorum/ package): commit indexes and vote tallies over a configuration,
// joint-aware. While joint, a decision needs a majority of BOTH voter sets (thesis 4.3).

import type { MembershipConfig, NodeId } from './types.ts';

/** The largest index stored by a majority of `voters`. An empty set places no constraint. */
export function majorityIndex(voters: readonly NodeId[], matchOf: (id: NodeId) => number): number {
  if (voters.length === 0) return Number.POSITIVE_INFINITY;
  const matches = voters.map(matchOf).sort((a, b) => b - a);
  return matches[Math.floor(voters.length / 2)] ?? 0;
}

/** The largest index a quorum of the (possibly joint) configuration stores. */
export function committedIndex(config: MembershipConfig, matchOf: (id: NodeId) => number): number {
  const index = Math.min(majorityIndex(config.voters, matchOf), majorityIndex(config.votersOutgoing, matchOf));
  return Number.isFinite(index) ? index : 0;
}

export type VoteResult = 'won' | 'lost' | 'pending';

function majorityVote(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const v of voters) {
    const vote = votes.get(v);
    if (vote === undefined) missing++;
    else if (vote) granted++;
  }
  const quorum = Math.floor(voters.length / 2) + 1;
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}

export function voteResult(config: MembershipConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const incoming = majorityVote(config.voters, votes);
  const outgoing = majorityVote(config.votersOutgoing, votes);
  if (incoming === 'won' && outgoing === 'won') return 'won';
  if (incoming === 'lost' || outgoing === 'lost') return 'lost';
  return 'pending';
}

/** True when the nodes for which `ok` holds form a quorum of the configuration. */
export function hasQuorum(config: MembershipConfig, ok: (id: NodeId) => boolean): boolean {
  const votes = new Map<NodeId, boolean>();
  for (const id of [...config.voters, ...config.votersOutgoing]) votes.set(id, ok(id));
  return voteResult(config, votes) === 'won';
}
