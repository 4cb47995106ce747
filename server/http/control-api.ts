// The lab's REST control API. Every route builds one typed Command and runs it exactly as the
// page's WebSocket does; the generic POST …/commands takes a Command as its body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  CommandError,
  HTTP_STATUS,
  commandSchema,
  describeValidationError,
  type CommandResult,
} from '../../shared/protocol/commands.ts';
import { clusterNameSchema, kvKeySchema, kvValueSchema, nodeIdSchema } from '../../shared/protocol/schemas.ts';
import type { ClusterRegistry } from '../cluster-registry.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { readJsonBody, sendJson } from './json-io.ts';

const putBodySchema = z.object({ value: kvValueSchema, node: nodeIdSchema.optional() });

/** Handles /api/…; returns false for paths that are not its own. */
export async function handleControlApi(request: IncomingMessage, response: ServerResponse, clusters: ClusterRegistry): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://x');
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'api') return false;
  try {
    const result = await route(request, parts.slice(1), clusters);
    if (result === null) throw new CommandError('not-found', `no such route: ${request.method} ${url.pathname}`);
    sendResult(response, result);
  } catch (error) {
    if (error instanceof CommandError) sendResult(response, { ok: false, code: error.code, error: error.message });
    else {
      console.error('control API error', error);
      sendResult(response, { ok: false, code: 'internal', error: 'internal error (see the server log)' });
    }
  }
  return true;
}

async function route(request: IncomingMessage, parts: string[], clusters: ClusterRegistry): Promise<CommandResult | null> {
  const method = request.method ?? 'GET';
  if (parts[0] !== 'clusters') return null;
  if (parts.length === 1 && method === 'GET') {
    return { ok: true, result: { clusters: clusters.all().map((cluster) => ({ name: cluster.name, nodes: cluster.nodeIds().length, profile: cluster.profile.name })) } };
  }
  const cluster = findCluster(clusters, parts[1]);
  const rest = parts.slice(2);
  if (rest.length === 0 && method === 'GET') return { ok: true, result: { cluster: cluster.view } };
  if (rest.length === 1 && rest[0] === 'commands' && method === 'POST') {
    const parsed = commandSchema.safeParse(await readJsonBody(request));
    if (!parsed.success) throw new CommandError('bad-request', describeValidationError(parsed.error));
    return cluster.execute(parsed.data);
  }
  if (rest.length === 3 && rest[0] === 'nodes' && method === 'POST') {
    const node = parse(nodeIdSchema, rest[1], 'node');
    if (rest[2] === 'kill') return cluster.execute({ type: 'kill', node });
    if (rest[2] === 'restart') return cluster.execute({ type: 'restart', node });
    return null;
  }
  if (rest.length >= 2 && rest[0] === 'kv' && (method === 'PUT' || method === 'POST')) {
    const key = parse(kvKeySchema, rest.slice(1).join('/'), 'key');
    const body = putBodySchema.safeParse(await readJsonBody(request));
    if (!body.success) throw new CommandError('bad-request', describeValidationError(body.error));
    return cluster.execute({ type: 'put', key, value: body.data.value, ...(body.data.node ? { node: body.data.node } : {}) });
  }
  return null;
}

function findCluster(clusters: ClusterRegistry, rawName: string | undefined): Cluster {
  const name = parse(clusterNameSchema, rawName, 'cluster');
  const cluster = clusters.get(name);
  if (!cluster) throw new CommandError('not-found', `no cluster named ${name}`);
  return cluster;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CommandError('bad-request', `${what}: ${describeValidationError(parsed.error)}`);
  return parsed.data;
}

function sendResult(response: ServerResponse, result: CommandResult): void {
  sendJson(response, result.ok ? 200 : HTTP_STATUS[result.code], result);
}
