// One typed command set for the lab. The page sends these over the WebSocket; the REST API
// accepts the same objects (and friendlier routes that build them). Validated at the boundary.
import { z } from 'zod';
import { kvKeySchema, kvValueSchema, nodeIdSchema } from './schemas.ts';

export const MIN_SPEED = 0.01;
export const MAX_SPEED = 4;

export const commandSchema = z.discriminatedUnion('type', [
  /** Power off a node: its worker is terminated, whatever it had not fsynced is gone. */
  z.object({ type: z.literal('kill'), node: nodeIdSchema }),
  /** Start a new worker that recovers from the node's directory alone. */
  z.object({ type: z.literal('restart'), node: nodeIdSchema }),
  /** A client write. Sent to `node` if given (a follower refuses with the leader's id), else to the leader. */
  z.object({ type: z.literal('put'), key: kvKeySchema, value: kvValueSchema, node: nodeIdSchema.optional() }),
  /** Lab clock: speed (virtual ms per real ms) and pause. */
  z.object({
    type: z.literal('clock'),
    speed: z.number().min(MIN_SPEED).max(MAX_SPEED).optional(),
    paused: z.boolean().optional(),
  }),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandType = Command['type'];

export const errorCodeSchema = z.enum([
  'bad-request',
  'not-found',
  'conflict',
  'not-leader',
  'no-leader',
  'unavailable',
  'timeout',
  'rate-limited',
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** HTTP status for each error code, so REST and WebSocket report a failure the same way. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  'not-found': 404,
  conflict: 409,
  'not-leader': 421,
  'no-leader': 503,
  unavailable: 503,
  timeout: 504,
  'rate-limited': 429,
  internal: 500,
};

export const commandResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.record(z.string(), z.unknown()).optional() }),
  z.object({ ok: z.literal(false), code: errorCodeSchema, error: z.string() }),
]);
export type CommandResult = z.infer<typeof commandResultSchema>;

/** Raised inside the server for a command that fails in a way the caller should hear about. */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Turns a zod failure into one sentence a person can act on. */
export function describeValidationError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
