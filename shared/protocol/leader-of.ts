// Who leads, and how far a node has applied, read from a cluster's view: the one answer the lab,
// the simulator and the tests use.
import type { MembershipConfig } from '../raft/types.ts';
import type { ClusterView, NodeView } from './views.ts';

/** The node a cluster follows: a live leader of the highest term (a deposed leader may not know it yet). */
export function leaderOf(view: ClusterView): string | null {
  let best: NodeView | null = null;
  for (const node of view.nodes) {
    if (node.life === 'alive' && node.role === 'leader' && (!best || node.term > best.term)) best = node;
  }
  return best?.id ?? null;
}

/** The membership the leader reports, which the roster reconciles against. */
export function leaderConfigOf(view: ClusterView): MembershipConfig | null {
  const leader = leaderOf(view);
  return leader ? (view.nodes.find((node) => node.id === leader)?.config ?? null) : null;
}

/** How far `node` has applied its log, as its last report said (0 for a node the view lacks). */
export function appliedOn(view: ClusterView, node: string): number {
  return view.nodes.find((n) => n.id === node)?.applied ?? 0;
}
