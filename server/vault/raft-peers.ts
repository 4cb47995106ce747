// /v1/sys/storage/raft/configuration (GET: the leader's membership, as `vault operator raft
// list-peers` shows it) and /v1/sys/storage/raft/remove-peer (POST {"server_id": "n3"}: the
// remove-node command, a membership change through Raft, answered once the leader's
// configuration no longer has the server, as Vault answers once the change is committed).
import { z } from 'zod';
import { ATTEMPTS } from '../../shared/host/until-definite.ts';
import { CommandError, describeValidationError } from '../../shared/protocol/commands.ts';
import { nodeIdSchema } from '../../shared/protocol/schemas.ts';
import type { NodeView } from '../../shared/protocol/views.ts';
import { parseBody } from './vault-body.ts';
import { NO_CONTENT, badRequest, unsupported, vaultOk, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';

const removePeerSchema = z.object({ server_id: nodeIdSchema });

/** How a node's Raft address is shown (the lab has no ports per node; this names it clearly). */
export function raftAddress(cluster: string, node: string): string {
  return `${node}.${cluster}.raftlab:8201`;
}

export function leaderNode(target: VaultTarget): NodeView {
  const { cluster } = target.session;
  const leader = cluster.leader();
  const node = leader ? cluster.view.nodes.find((candidate) => candidate.id === leader) : undefined;
  if (!node) throw new CommandError('no-leader', 'local node not active but active cluster node not found (no leader: electing, or no quorum)');
  return node;
}

export function raftConfiguration(request: VaultRequest, target: VaultTarget): VaultResponse {
  if (request.method !== 'GET') throw unsupported(request);
  const leader = leaderNode(target);
  const { voters, learners, votersOutgoing } = leader.config;
  const members = [...new Set([...voters, ...votersOutgoing, ...learners])].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const servers = members.map((id) => ({
    node_id: id,
    address: raftAddress(target.session.name, id),
    leader: id === leader.id,
    protocol_version: '3',
    voter: voters.includes(id) || votersOutgoing.includes(id),
  }));
  return vaultOk({ config: { index: leader.commit, servers } });
}

export async function removePeer(request: VaultRequest, target: VaultTarget): Promise<VaultResponse> {
  if (request.method !== 'POST' && request.method !== 'PUT') throw unsupported(request);
  const parsed = removePeerSchema.safeParse(await parseBody(request));
  if (!parsed.success) throw badRequest(describeValidationError(parsed.error));
  const node = parsed.data.server_id;
  await target.command({ type: 'remove-node', node });
  // The command records the wish; the membership controller makes the change through the leader.
  if (!(await configurationWithout(target, node))) {
    throw new CommandError('unavailable', `the removal of ${node} is asked for but not committed in time (no quorum?); it goes on in the background`);
  }
  return NO_CONTENT;
}

/** Resolves true once a leader's configuration lacks `node`, false after a client operation's
 *  bound (its attempts' timeouts together). */
function configurationWithout(target: VaultTarget, node: string): Promise<boolean> {
  const { cluster } = target.session;
  const gone = (): boolean => {
    const leader = cluster.leader();
    const config = leader ? cluster.view.nodes.find((candidate) => candidate.id === leader)?.config : undefined;
    return config !== undefined && ![...config.voters, ...config.votersOutgoing, ...config.learners].includes(node);
  };
  if (gone()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (value: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    const timer = setTimeout(() => finish(false), ATTEMPTS * cluster.attemptTimeoutMs());
    const unsubscribe = cluster.events.subscribe(() => {
      if (gone()) finish(true);
    });
  });
}
