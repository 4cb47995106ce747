// GET /api/class: the class view's data. The instructor's token (the server's default cluster's,
// the same on every server of a workshop) sees every cluster: this server's, and each peer's
// (--peer URL), asked with the same token and validated. `?local=1` answers for this server only
// (what a peer asks). Cheap: a summary per cluster from the views the server keeps anyway, no
// events; the page asks every few seconds.
import type { IncomingMessage } from 'node:http';
import { CommandError, commandResultSchema, type CommandResult } from '../../shared/protocol/commands.ts';
import { classServerSchema, type ClassRow, type ClassServer } from '../../shared/protocol/class-view.ts';
import { leaderOf } from '../../shared/protocol/leader-of.ts';
import { presentedToken, tokensMatch } from '../auth/tokens.ts';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import { DEFAULT_CLUSTER } from '../vault/router.ts';
import type { RequestTarget } from './request-target.ts';

/** How long a peer may take before its part shows as unreachable. */
const PEER_TIMEOUT_MS = 2_000;

export interface ClassPeers {
  /** This server's name (X-Raftlab-Server). */
  readonly self: () => string;
  /** The other servers of the workshop, as base URLs. */
  readonly peers: readonly string[];
}

export async function classRoute(request: IncomingMessage, target: RequestTarget, registry: ClusterRegistry, class_: ClassPeers): Promise<CommandResult | undefined> {
  if (target.segments.length !== 2 || target.segments[1] !== 'class') return undefined;
  if ((request.method ?? 'GET') !== 'GET') throw new CommandError('bad-request', 'GET /api/class reads the class view');
  const instructor = registry.get(DEFAULT_CLUSTER);
  const token = presentedToken(request);
  if (!instructor || !tokensMatch(token, instructor.token)) throw new CommandError('forbidden', "the class view needs the instructor's token (the default cluster's)");
  const own: ClassServer = { server: class_.self(), reachable: true, clusters: registry.all().map((session) => rowOf(session, class_.self())) };
  if (target.query.get('local') === '1') return { ok: true, result: own };
  const others = await Promise.all(class_.peers.map((peer) => askPeer(peer, token!)));
  return { ok: true, result: { servers: [own, ...others] } };
}

function rowOf(session: LabSession, server: string): ClassRow {
  const view = session.cluster.view;
  const leader = leaderOf(view);
  return {
    name: session.name,
    server,
    forkedFrom: session.forkedFrom,
    implementation: session.implementation,
    nodes: view.nodes.length,
    up: view.nodes.filter((node) => node.life === 'alive').length,
    leader,
    term: Math.max(0, ...view.nodes.map((node) => node.term)),
    violations: view.violations.length,
    challenges: view.challenges.map((solved) => solved.id),
    viewers: session.viewers,
  };
}

async function askPeer(peer: string, token: string): Promise<ClassServer> {
  const unreachable = (problem: string): ClassServer => ({ server: peer, reachable: false, problem, clusters: [] });
  try {
    const response = await fetch(`${peer}/api/class?local=1`, { headers: { 'x-vault-token': token }, signal: AbortSignal.timeout(PEER_TIMEOUT_MS) });
    const envelope = commandResultSchema.safeParse(await response.json());
    if (!envelope.success) return unreachable('answered something that is not a lab answer');
    if (!envelope.data.ok) return unreachable(envelope.data.error);
    const part = classServerSchema.safeParse(envelope.data.result);
    return part.success ? part.data : unreachable('answered a malformed class view');
  } catch (error) {
    return unreachable(error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${PEER_TIMEOUT_MS} ms` : 'not reachable');
  }
}
