// Questions a test asks of a cluster's view: who leads, and have the live nodes converged.
import type { ClusterView } from '../../shared/protocol/views.ts';

import { leaderOf } from '../../shared/protocol/leader-of.ts';

export { leaderOf };

/**
 * Formed: every node of the roster alive and a voter in the leader's configuration. A new cluster
 * grows from one node, the leader adding the others one at a time, so a leader comes before this.
 */
export function formed(view: ClusterView): boolean {
  const leaderId = leaderOf(view);
  const leader = view.nodes.find((node) => node.id === leaderId);
  if (!leader) return false;
  return view.nodes.every((node) => node.life === 'alive' && leader.config.voters.includes(node.id));
}

export interface Convergence {
  readonly converged: boolean;
  /** Why not, in a sentence (empty when converged). */
  readonly why: string;
}

/** Converged: a leader, and every live node has applied all that leader committed, with the same
 *  last log index and the leader's term (so nothing is still in flight). */
export function convergence(view: ClusterView): Convergence {
  const leaderId = leaderOf(view);
  if (!leaderId) return { converged: false, why: 'there is no leader' };
  const leader = view.nodes.find((node) => node.id === leaderId)!;
  const behind = view.nodes
    .filter((node) => node.life === 'alive' && (node.applied !== leader.commit || node.lastIndex !== leader.lastIndex || node.term !== leader.term))
    .map((node) => `${node.id} (term ${node.term}, applied ${node.applied}, last ${node.lastIndex})`);
  if (behind.length > 0) return { converged: false, why: `leader ${leaderId} (term ${leader.term}) committed ${leader.commit}, last ${leader.lastIndex}; behind: ${behind.join(', ')}` };
  return { converged: true, why: '' };
}
