// What `vault status` asks for, unauthenticated as in Vault: /v1/sys/seal-status (never sealed:
// the lab has no unseal step) and /v1/sys/leader (HA mode, the active node's address, and the Raft
// committed and applied indexes a student can watch move). A node that is down answers 503, as a
// stopped Vault server would not answer at all.
import type { VaultRequest, VaultResponse, VaultTarget } from './vault-http.ts';
import { VaultError, unsupported } from './vault-http.ts';
import { raftAddress } from './raft-peers.ts';
import { VAULT_VERSION, answeringNode, clusterId } from './sys-health.ts';

function liveNode(request: VaultRequest, target: VaultTarget) {
  if (request.method !== 'GET') throw unsupported(request);
  const node = answeringNode(target);
  if (!node || node.life !== 'alive') throw new VaultError(503, [`${node?.id ?? 'the node'} is ${node?.life ?? 'absent'}: no answer`]);
  return node;
}

export function sysSealStatus(request: VaultRequest, target: VaultTarget): VaultResponse {
  liveNode(request, target);
  const name = target.session.name;
  return {
    status: 200,
    json: {
      type: 'shamir',
      initialized: true,
      sealed: false,
      t: 1,
      n: 1,
      progress: 0,
      nonce: '',
      version: VAULT_VERSION,
      build_date: '2024-06-10T10:11:34Z',
      migration: false,
      cluster_name: name,
      cluster_id: clusterId(name),
      recovery_seal: false,
      storage_type: 'raft',
    },
  };
}

export function sysLeader(request: VaultRequest, target: VaultTarget): VaultResponse {
  const node = liveNode(request, target);
  const name = target.session.name;
  // What this node believes: a follower cut off from its leader still names it until an election.
  const leader = node.role === 'leader' ? node.id : node.leader;
  return {
    status: 200,
    json: {
      ha_enabled: true,
      is_self: node.role === 'leader',
      active_time: '0001-01-01T00:00:00Z',
      leader_address: leader ? leaderAddress(request, target, leader) : '',
      leader_cluster_address: leader ? `https://${raftAddress(name, leader)}` : '',
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
      raft_committed_index: node.commit,
      raft_applied_index: node.applied,
    },
  };
}

/** The leader's api_addr: its own port when asked at a node's port (and it has one), else its URL
 *  on this server. */
function leaderAddress(request: VaultRequest, target: VaultTarget, leader: string): string {
  const own = request.viaNodePort ? target.session.cluster.nodeApi?.address(leader) : undefined;
  return own ?? `${request.origin ?? 'http://127.0.0.1:8200'}/c/${target.session.name}/n/${leader}`;
}
