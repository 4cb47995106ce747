// Small pieces every REST route uses: finding the cluster, validating with a clear message, and
// answering a CommandResult with its HTTP status.
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { CommandError, HTTP_STATUS, describeValidationError, type CommandResult } from '../../shared/protocol/commands.ts';
import { clusterNameSchema } from '../../shared/protocol/schemas.ts';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import { sendJson } from './json-io.ts';

export function findSession(registry: ClusterRegistry, rawName: string | undefined): LabSession {
  const name = parse(clusterNameSchema, rawName, 'cluster');
  const session = registry.get(name);
  if (!session) throw new CommandError('not-found', `no cluster named ${name}`);
  return session;
}

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CommandError('bad-request', `${what}: ${describeValidationError(parsed.error)}`);
  return parsed.data;
}

export function sendResult(response: ServerResponse, result: CommandResult, okStatus = 200): void {
  sendJson(response, result.ok ? okStatus : HTTP_STATUS[result.code], result);
}
