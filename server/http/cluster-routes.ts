// Cluster management over REST: list, create (at a name the server or the caller chooses), view,
// fork, delete. Creating and forking need no
// token (a student forks the instructor's cluster); the creator gets the new cluster's token once.
// Deleting needs the cluster's token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError, type CommandResult } from '../../shared/protocol/commands.ts';
import {
  createClusterRequestSchema,
  forkClusterRequestSchema,
  putClusterRequestSchema,
  type ClusterSummary,
  type CreatedCluster,
} from '../../shared/protocol/clusters.ts';
import { redactView } from '../../shared/protocol/redact.ts';
import { presentedToken, tokensMatch } from '../auth/tokens.ts';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import { applySettings, forkRequest } from './fork-settings.ts';
import { settingsCommands } from '../../shared/protocol/fork-settings.ts';
import { clusterNameSchema } from '../../shared/protocol/schemas.ts';
import { readJsonBody } from './json-io.ts';
import { findSession, parse, sendResult } from './route-helpers.ts';

/** Returns a result, 'sent' when it answered itself, or undefined for routes that are not its own. */
export async function handleClusterRoutes(
  request: IncomingMessage,
  response: ServerResponse,
  parts: readonly string[],
  registry: ClusterRegistry,
): Promise<CommandResult | 'sent' | undefined> {
  const method = request.method ?? 'GET';
  if (parts[0] !== 'clusters') return undefined;
  if (parts.length === 1 && method === 'GET') return { ok: true, result: { clusters: registry.all().map(summary) } };
  if (parts.length === 1 && method === 'POST') {
    const body = parse(createClusterRequestSchema, await readJsonBody(request), 'body');
    const session = registry.create({ nodes: body.nodes, profile: body.profile, ...(body.name ? { name: body.name } : {}), ...(body.implementation ? { implementation: body.implementation } : {}) });
    sendResult(response, { ok: true, result: created(request, session) }, 201);
    return 'sent';
  }
  if (parts.length === 2 && method === 'PUT') {
    const name = parse(clusterNameSchema, parts[1], 'cluster');
    const body = parse(putClusterRequestSchema, await readJsonBody(request), 'body');
    const session = registry.create({
      name,
      nodes: body.nodes,
      profile: body.profile,
      ...(body.implementation ? { implementation: body.implementation } : {}),
      ...(body.forkedFrom ? { forkedFrom: body.forkedFrom } : {}),
      ...(body.publicValues !== undefined ? { publicValues: body.publicValues } : {}),
    });
    const skipped = await applySettings(body.settings ?? [], session.cluster);
    sendResult(response, { ok: true, result: { ...created(request, session), ...(body.settings ? { skippedSettings: skipped } : {}) } }, 201);
    return 'sent';
  }
  if (parts.length === 2 && method === 'GET') {
    const session = findSession(registry, parts[1]);
    const control = tokensMatch(presentedToken(request), session.token);
    // As on the WebSocket: without the token, values are digests unless the cluster made them public.
    const values = control || session.publicValues ? 'shown' : 'digests';
    const cluster = values === 'shown' ? session.cluster.view : redactView(session.cluster.view, session.digest);
    // Each node's own API port (node-api/), by node: a Vault client's VAULT_ADDR for that node.
    const nodeAddresses = session.cluster.nodeApi?.addresses() ?? {};
    return { ok: true, result: { cluster, control, values, publicValues: session.publicValues, nodeAddresses } };
  }
  if (parts.length === 2 && method === 'DELETE') {
    const session = findSession(registry, parts[1]);
    if (!tokensMatch(presentedToken(request), session.token)) throw new CommandError('forbidden', `deleting ${session.name} needs its token`);
    if (session.permanent) throw new CommandError('conflict', `${session.name} is the server's default cluster; it is not deleted over the API`);
    await registry.remove(session.name, 'deleted');
    return { ok: true, result: { deleted: session.name } };
  }
  if (parts.length === 3 && parts[2] === 'fork' && method === 'POST') {
    const source = findSession(registry, parts[1]);
    const body = parse(forkClusterRequestSchema, await readJsonBody(request), 'body');
    const fork = registry.create(forkRequest(source, body));
    const skipped = await applySettings(settingsCommands(source.cluster.view), fork.cluster);
    sendResult(response, { ok: true, result: { ...created(request, fork), skippedSettings: skipped } }, 201);
    return 'sent';
  }
  return undefined;
}

function summary(session: LabSession): ClusterSummary {
  return {
    name: session.name,
    nodes: session.cluster.nodeIds().length,
    profile: session.profile,
    viewers: session.viewers,
    permanent: session.permanent,
    forkedFrom: session.forkedFrom,
    implementation: session.implementation,
  };
}

function created(request: IncomingMessage, session: LabSession): CreatedCluster {
  const url = `${publicOrigin(request)}/?cluster=${session.name}`;
  return {
    name: session.name,
    token: session.token,
    url,
    controlUrl: `${url}#token=${encodeURIComponent(session.token)}`,
    nodes: session.cluster.nodeIds().length,
    profile: session.profile,
    ...(session.forkedFrom ? { forkedFrom: session.forkedFrom } : {}),
    implementation: session.implementation,
  };
}

/** The origin the caller used to reach us (its Host header), so links work from its side. */
function publicOrigin(request: IncomingMessage): string {
  const host = request.headers.host ?? '';
  return /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? `http://${host}` : '';
}
