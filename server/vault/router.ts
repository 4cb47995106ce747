// The Vault-compatible API: /c/{cluster}/v1/… (any live node, as behind a load balancer),
// /c/{cluster}/n/{node}/v1/… (that node), and /v1/… (the default cluster, so VAULT_ADDR can be
// the bare server). Every route family has its own file; this one finds the target, checks the
// token, and turns every failure into Vault's {"errors": [...]} with Vault's status code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AllowedHosts } from '../auth/allowed-hosts.ts';
import { parseListVerb } from './list-verb.ts';
import { clusterNameSchema, nodeIdSchema } from '../../shared/protocol/schemas.ts';
import { tokensMatch } from '../auth/tokens.ts';
import type { ClusterRegistry } from '../cluster-registry.ts';
import type { RequestTarget } from '../http/request-target.ts';
import { authToken } from './auth-token.ts';
import { kvData } from './kv-data.ts';
import { kvMetadata } from './kv-metadata.ts';
import { autopilotState } from './raft-autopilot.ts';
import { raftConfiguration, removePeer } from './raft-peers.ts';
import { raftSnapshot } from './raft-snapshot.ts';
import { sysHealth } from './sys-health.ts';
import { sysLeader, sysSealStatus } from './sys-status.ts';
import { uiMounts } from './sys-mounts.ts';
import { kvKey, rawVaultResponse, toVaultError, vaultRequestOf, writeVaultResponse } from './vault-answer.ts';
import { PERMISSION_DENIED, VaultError, requestedConsistency, type VaultPlace, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';
import { runClusterCommand } from '../auth/command-gate.ts';

export const DEFAULT_CLUSTER = 'default';

/** sys/ routes Vault serves without a token: what load balancers and `vault status` ask. */
const UNAUTHENTICATED = new Set(['health', 'seal-status', 'leader']);

export interface VaultLocation {
  /** null when the cluster or node named in the URL does not exist (answered with a 404). */
  readonly target: VaultPlace | null;
  readonly path: readonly string[];
  /** The path ended with "/": only a folder (metadata LIST) is named so. */
  readonly trailingSlash: boolean;
  readonly problem?: string;
}

/** Whether a path is the Vault API's: /v1/…, /c/{cluster}/v1/… or /c/{cluster}/n/{node}/v1/…. */
export function isVaultPath(segments: readonly string[]): boolean {
  if (segments[0] === 'v1') return true;
  if (segments[0] !== 'c') return false;
  return segments[2] === 'v1' || (segments[2] === 'n' && segments[4] === 'v1');
}

/** The target and the segments after /v1/ of a path (read by request-target.ts); null if it is
 *  not a Vault URL. */
export function locateVault(target: RequestTarget, registry: ClusterRegistry): VaultLocation | null {
  const segments = target.segments;
  if (!isVaultPath(segments)) return null;
  let clusterName = DEFAULT_CLUSTER;
  let node: string | null = null;
  let rest = segments;
  if (segments[0] === 'c') {
    clusterName = segments[1] ?? '';
    rest = segments.slice(2);
    if (rest[0] === 'n') {
      node = rest[1] ?? '';
      rest = rest.slice(2);
    }
  }
  const path = rest.slice(1);
  const trailingSlash = target.trailingSlash;
  if (!clusterNameSchema.safeParse(clusterName).success) return { target: null, path, trailingSlash, problem: 'bad cluster name' };
  const session = registry.get(clusterName);
  if (!session) return { target: null, path, trailingSlash, problem: `no cluster named ${clusterName}` };
  if (node !== null) {
    if (!nodeIdSchema.safeParse(node).success) return { target: null, path, trailingSlash, problem: 'a node id looks like n1, n2, …' };
    if (!session.cluster.nodeIds().includes(node)) return { target: null, path, trailingSlash, problem: `cluster ${clusterName} has no node ${node}` };
  }
  return { target: { session, node }, path, trailingSlash };
}

/** Answers one Vault request; never throws. */
export async function answerVault(request: VaultRequest, location: VaultLocation, registry: ClusterRegistry): Promise<VaultResponse> {
  try {
    if (!location.target) throw new VaultError(404, [location.problem ?? 'not found']);
    const { session, node } = location.target;
    const path = location.path;
    const open = path[0] === 'sys' && path.length === 2 && UNAUTHENTICATED.has(path[1] ?? '');
    // The token is compared once; the command door (command-gate.ts) admits this caller's commands.
    const caller = { control: tokensMatch(request.token, session.token), withinRate: true };
    if (!open) {
      if (!caller.control) throw PERMISSION_DENIED();
      registry.touch(session);
    }
    const target: VaultTarget = { session, node, ...requestedConsistency(request), command: (command) => runClusterCommand(registry, session, command, caller) };
    return await dispatch(request, target, path, location.trailingSlash);
  } catch (error) {
    const vault = toVaultError(error);
    return { status: vault.status, json: { errors: vault.errors } };
  }
}

async function dispatch(request: VaultRequest, target: VaultTarget, path: readonly string[], trailingSlash: boolean): Promise<VaultResponse> {
  const [first, second, ...rest] = path;
  if (first === 'secret' && second === 'metadata') return kvMetadata(request, target, kvKey(rest, true));
  if (trailingSlash) throw new VaultError(400, ['invalid path: only a folder (secret/metadata/…/) ends with "/"']);
  if (first === 'secret' && second === 'data') return kvData(request, target, kvKey(rest, false));
  if (first === 'sys' && second === 'health' && rest.length === 0) {
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new VaultError(405, ['unsupported operation']);
    return sysHealth(request, target);
  }
  if (first === 'sys' && second === 'seal-status' && rest.length === 0) return sysSealStatus(request, target);
  if (first === 'sys' && second === 'leader' && rest.length === 0) return sysLeader(request, target);
  if (first === 'sys' && second === 'internal' && rest[0] === 'ui' && rest[1] === 'mounts') return uiMounts(request, rest.slice(2));
  if (first === 'auth' && second === 'token' && rest.length === 1 && (rest[0] === 'lookup-self' || rest[0] === 'renew-self')) return authToken(request, target, rest[0]);
  if (first === 'sys' && second === 'storage' && rest[0] === 'raft') {
    const route = rest.slice(1).join('/');
    if (route === 'configuration') return raftConfiguration(request, target);
    if (route === 'remove-peer') return removePeer(request, target);
    if (route === 'snapshot') return raftSnapshot(request, target, false);
    if (route === 'snapshot-force') return raftSnapshot(request, target, true);
    if (route === 'autopilot/state') return autopilotState(request, target);
  }
  throw new VaultError(404, [`no handler for route "${path.join('/').slice(0, 200)}". route entry not found.`]);
}

/** node:http glue: returns false for URLs that are not the Vault API's. */
export async function handleVaultHttp(request: IncomingMessage, response: ServerResponse, target: RequestTarget, registry: ClusterRegistry): Promise<boolean> {
  const location = locateVault(target, registry);
  if (!location) return false;
  const answer = await answerVault(vaultRequestOf(request, target, location.path), location, registry);
  writeVaultResponse(response, answer);
  return true;
}

/** Answers a refused LIST request (list-verb.ts) on the socket; returns false if it was not one. */
export async function answerListVerb(rawPacket: Buffer | undefined, socket: Duplex, registry: ClusterRegistry, hosts: AllowedHosts): Promise<boolean> {
  const list = parseListVerb(rawPacket, hosts);
  if (!list) return false;
  const location = locateVault(list.target, registry);
  if (!location) return false;
  const answer = await answerVault({ method: 'GET', path: location.path, query: list.query, token: list.token, body: () => Promise.resolve(Buffer.alloc(0)) }, location, registry);
  if (socket.writable) socket.end(rawVaultResponse(answer));
  return true;
}
