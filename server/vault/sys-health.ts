// /v1/sys/health with Vault's status codes: 200 for the active node (the Raft leader), 429 for a
// standby (a follower that knows its leader), 503 for a node that is down or cannot see a quorum
// (no leader known: electing, partitioned away, or too few nodes up). The cluster's URL answers
// for the node a load balancer would pick: the leader if there is one. No token needed (as Vault).
import { createHash } from 'node:crypto';
import type { NodeView } from '../../shared/protocol/views.ts';
import { badRequest, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';

export const VAULT_VERSION = '1.17.0+raftlab';

type NodeHealth = 'active' | 'standby' | 'unavailable';

export function sysHealth(request: VaultRequest, target: VaultTarget): VaultResponse {
  const node = answeringNode(target);
  const state = healthOf(node);
  const status = statusFor(request.query, state);
  const body = {
    initialized: true,
    sealed: false,
    standby: state !== 'active',
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000),
    version: VAULT_VERSION,
    cluster_name: target.session.name,
    cluster_id: clusterId(target.session.name),
    // Not Vault's: what the lab knows, for people reading the answer.
    raftlab: {
      node: node?.id ?? null,
      life: node?.life ?? 'absent',
      role: node && node.life === 'alive' ? node.role : null,
      term: node?.term ?? null,
      leader: node && node.life === 'alive' ? node.leader : null,
    },
  };
  return { status, ...(request.method === 'HEAD' ? {} : { json: body }) };
}

/** The node a request is about: the one in the URL, or the one a load balancer would pick. */
export function answeringNode(target: VaultTarget): NodeView | undefined {
  const { cluster } = target.session;
  const nodes = cluster.view.nodes;
  return target.node ? nodes.find((candidate) => candidate.id === target.node) : pickForBalancer(nodes, cluster.leader());
}

function healthOf(node: NodeView | undefined): NodeHealth {
  if (!node || node.life !== 'alive') return 'unavailable';
  if (node.role === 'leader') return 'active';
  return node.role === 'follower' && node.leader !== null ? 'standby' : 'unavailable';
}

/** The leader, else a follower that knows one, else any live node, else nothing. */
export function pickForBalancer(nodes: readonly NodeView[], leader: string | null): NodeView | undefined {
  return (
    nodes.find((node) => node.id === leader) ??
    nodes.find((node) => healthOf(node) === 'standby') ??
    nodes.find((node) => node.life === 'alive') ??
    nodes[0]
  );
}

/** Vault's query overrides: standbyok, activecode, standbycode, sealedcode (used for "down").
 *  As in Vault (http/sys_health.go) every one given is parsed, whatever the node's state, and a
 *  malformed one is a 400. */
function statusFor(query: URLSearchParams, state: NodeHealth): number {
  const code = (name: string, fallback: number): number => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 100 || value > 599) throw badRequest(`${name} must be an HTTP status code, got ${raw.slice(0, 20)}`);
    return value;
  };
  const standbyOk = goBool(query, 'standbyok');
  const activeCode = code('activecode', 200);
  const standbyCode = code('standbycode', 429);
  const sealedCode = code('sealedcode', 503);
  if (state === 'active') return activeCode;
  if (state === 'standby') return standbyOk ? activeCode : standbyCode;
  return sealedCode;
}

const GO_TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** A flag as Vault's parseutil.ParseBool reads a query value: Go's strconv.ParseBool, with an
 *  empty value false; anything else is a 400. */
function goBool(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '' || GO_FALSE.has(raw)) return false;
  if (GO_TRUE.has(raw)) return true;
  throw badRequest(`bad value for ${name} parameter: ${raw.slice(0, 20)} is not a boolean`);
}

/** A stable UUID-shaped id per cluster name, as Vault's cluster_id looks. */
export function clusterId(name: string): string {
  const hex = createHash('sha256').update(`raftlab:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
