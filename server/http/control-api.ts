// The lab's REST control API. Every route builds one typed Command and runs it through the same
// gate as the page's WebSocket (token, rate, caps); the generic POST …/commands takes a Command as
// its body. Cluster management (create, fork, delete) is in cluster-routes.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CommandError, labCommandSchema, type CommandResult, type LabCommand } from '../../shared/protocol/commands.ts';
import { consistencySchema } from '../../shared/protocol/events.ts';
import { diskFaultBody } from '../../shared/protocol/disk-fault-schema.ts';
import { kvKeySchema, kvValueSchema, nodeIdSchema } from '../../shared/protocol/schemas.ts';
import { runCommand } from '../auth/command-gate.ts';
import { presentedToken, tokensMatch } from '../auth/tokens.ts';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import { handleClusterRoutes } from './cluster-routes.ts';
import { classRoute, type ClassPeers } from './class-route.ts';
import { readJsonBody } from './json-io.ts';
import { findSession, parse, sendResult } from './route-helpers.ts';
import { logRequestFailure } from './request-log.ts';
import type { RequestTarget } from './request-target.ts';

/** `cas`: our store's version check; `from`: a foreign (lin-kv) cluster's, by value. */
const putBodySchema = z
  .strictObject({ value: kvValueSchema, node: nodeIdSchema.optional(), cas: z.number().int().nonnegative().optional(), from: kvValueSchema.optional() })
  .refine((body) => body.cas === undefined || body.from === undefined, 'give "cas" (a version) or "from" (a value), not both');

/** POST /api/clusters/{name}/nodes/{node}/{action} → the command it names. */
const NODE_ACTIONS = {
  kill: 'kill',
  restart: 'restart',
  pause: 'pause-node',
  resume: 'resume-node',
  wipe: 'wipe-node',
  campaign: 'campaign',
  snapshot: 'snapshot-now',
  disk: 'disk',
  remove: 'remove-node',
  promote: 'promote',
} as const satisfies Record<string, LabCommand['type']>;

/** Handles /api/… (the front door in lab-server.ts has checked path, host, rate and origin);
 *  returns false for paths that are not its own. */
export async function handleControlApi(request: IncomingMessage, response: ServerResponse, target: RequestTarget, registry: ClusterRegistry, classPeers: ClassPeers = { self: () => '', peers: [] }): Promise<boolean> {
  const parts = target.segments;
  if (parts[0] !== 'api') return false;
  try {
    if (target.trailingSlash) throw new CommandError('bad-request', 'the path ends with "/": API paths have none (a key never ends with "/")');
    const result =
      implementationsRoute(request, parts.slice(1), registry) ??
      (await classRoute(request, target, registry, classPeers)) ??
      (await handleClusterRoutes(request, response, parts.slice(1), registry)) ??
      (await route(request, target, parts.slice(1), registry));
    if (result === 'sent') return true;
    if (result === null) throw new CommandError('not-found', `no such route: ${request.method ?? ''} ${target.pathname.slice(0, 200)}`);
    sendResult(response, result);
  } catch (error) {
    if (error instanceof CommandError) sendResult(response, { ok: false, code: error.code, error: error.message });
    else {
      logRequestFailure('the control API', error);
      sendResult(response, { ok: false, code: 'internal', error: 'internal error (see the server log)' });
    }
  }
  return true;
}

/** GET /api/implementations: the node implementations clusters can be made of (names and kinds,
 *  never their commands: those are the operator's). */
function implementationsRoute(request: IncomingMessage, parts: readonly string[], registry: ClusterRegistry): CommandResult | undefined {
  if (parts.length !== 1 || parts[0] !== 'implementations') return undefined;
  if ((request.method ?? 'GET') !== 'GET') throw new CommandError('bad-request', 'GET /api/implementations lists them; they are registered on the command line only');
  return { ok: true, result: { implementations: registry.implementations.list() } };
}

/** GET /api/clusters/{c}/history: the client history and the server's linearizability verdict
 *  over it (every cluster, ours and foreign). It holds values: the token, or public values. */
function historyOf(session: LabSession, control: boolean): CommandResult {
  if (!control && !session.publicValues) throw new CommandError('forbidden', `the history of ${session.name} holds its values: it needs the cluster's token (or public values)`);
  const history = session.cluster.clientHistory;
  return { ok: true, result: { operations: history.events(), trimmed: history.trimmed, verdict: history.verdict() } };
}

async function route(request: IncomingMessage, target: RequestTarget, parts: readonly string[], registry: ClusterRegistry): Promise<CommandResult | null> {
  const method = request.method ?? 'GET';
  if (parts[0] !== 'clusters' || parts.length < 3) return null;
  const session = findSession(registry, parts[1]);
  const rest = parts.slice(2);
  const run = (command: LabCommand): Promise<CommandResult> =>
    runCommand(registry, session, command, { control: tokensMatch(presentedToken(request), session.token), withinRate: true });

  if (rest.length === 1 && rest[0] === 'commands' && method === 'POST') {
    return run(parse(labCommandSchema, await readJsonBody(request), 'command'));
  }
  if (rest.length === 3 && rest[0] === 'nodes' && method === 'POST') {
    const node = parse(nodeIdSchema, rest[1], 'node');
    const action = rest[2] ?? '';
    // {"fault": "slow" | "failing" | "full" | "corrupt" | "none", …params} (disk-fault-schema.ts)
    if (action === 'disk-fault') return run({ type: 'disk-fault', node, ...parse(diskFaultBody, await readJsonBody(request), 'body') });
    if (!Object.hasOwn(NODE_ACTIONS, action)) return null;
    return run({ type: NODE_ACTIONS[action as keyof typeof NODE_ACTIONS], node });
  }
  if (rest.length === 1 && rest[0] === 'history' && method === 'GET') return historyOf(session, tokensMatch(presentedToken(request), session.token));
  if (rest.length >= 2 && rest[0] === 'kv') {
    const key = parse(kvKeySchema, rest.slice(1).join('/'), 'key');
    if (method === 'PUT' || method === 'POST') {
      const body = parse(putBodySchema, await readJsonBody(request), 'body');
      return run({ type: 'put', key, value: body.value, ...(body.cas !== undefined ? { cas: body.cas } : {}), ...(body.from !== undefined ? { from: body.from } : {}), ...(body.node ? { node: body.node } : {}) });
    }
    const node = target.query.get('node');
    const at = node === null ? {} : { node: parse(nodeIdSchema, node, 'node') };
    if (method === 'DELETE') return run({ type: 'delete', key, ...at });
    if (method === 'GET') {
      const consistency = target.query.get('consistency');
      return run({ type: 'get', key, ...at, ...(consistency === null ? {} : { consistency: parse(consistencySchema, consistency, 'consistency') }) });
    }
  }
  return null;
}
