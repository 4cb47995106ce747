// /v1/sys/storage/raft/autopilot/state: the leader's view of every server's health, in Vault's
// shape. A server is healthy when it is up, in the leader's term, and not far behind its log.
import type { NodeView } from '../../shared/protocol/views.ts';
import { leaderNode, raftAddress } from './raft-peers.ts';
import { VAULT_VERSION } from './sys-health.ts';
import { unsupported, vaultOk, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';

/** Vault autopilot's default max_trailing_logs. */
const MAX_TRAILING_LOGS = 1000;

export function autopilotState(request: VaultRequest, target: VaultTarget): VaultResponse {
  if (request.method !== 'GET') throw unsupported(request);
  const leader = leaderNode(target);
  const { voters, learners, votersOutgoing } = leader.config;
  const voterSet = new Set([...voters, ...votersOutgoing]);
  const members = [...new Set([...voterSet, ...learners])];
  const nodes = new Map(target.session.cluster.view.nodes.map((node) => [node.id, node]));
  const healthy = (node: NodeView | undefined): boolean =>
    node !== undefined && node.life === 'alive' && node.term === leader.term && leader.lastIndex - node.lastIndex <= MAX_TRAILING_LOGS;

  const servers: Record<string, unknown> = {};
  for (const id of members) {
    const node = nodes.get(id);
    const match = leader.progress[id]?.match;
    servers[id] = {
      id,
      name: id,
      address: raftAddress(target.session.name, id),
      node_status: node?.life === 'alive' ? 'alive' : 'left',
      last_contact: id === leader.id ? '0s' : node?.life === 'alive' ? 'recent' : 'unknown',
      last_term: node?.lastTerm ?? 0,
      last_index: id === leader.id ? leader.lastIndex : (match ?? node?.lastIndex ?? 0),
      healthy: healthy(node),
      stable_since: '',
      status: id === leader.id ? 'leader' : voterSet.has(id) ? 'voter' : 'non-voter',
      version: VAULT_VERSION,
      meta: null,
      node_type: voterSet.has(id) ? 'voter' : 'read-replica',
    };
  }
  const healthyVoters = [...voterSet].filter((id) => healthy(nodes.get(id))).length;
  const quorum = Math.floor(voterSet.size / 2) + 1;
  return vaultOk({
    healthy: healthyVoters >= quorum && members.every((id) => healthy(nodes.get(id))),
    failure_tolerance: Math.max(0, healthyVoters - quorum),
    optimistic_failure_tolerance: Math.max(0, voterSet.size - quorum),
    leader: leader.id,
    voters: [...voterSet].sort(),
    servers,
  });
}
