// The Vault-compatible API's request and response shapes, kept apart from node:http so every route
// is a plain async function (tested directly, and reachable from the LIST fallback in lab-server).
import { randomUUID } from 'node:crypto';
import { CommandError, type ClusterCommand, type ErrorCode } from '../../shared/protocol/commands.ts';
import type { ResultOf } from '../../shared/protocol/command-results.ts';
import type { LabSession } from '../cluster-registry.ts';

export interface VaultRequest {
  /** GET, PUT, POST, DELETE, HEAD; Vault's LIST arrives as GET with list=true. */
  readonly method: string;
  /** Segments after /v1/, percent-decoded. */
  readonly path: readonly string[];
  readonly query: URLSearchParams;
  readonly token: string | null;
  /** http://host:port as the client addressed this server, for addresses in answers. */
  readonly origin?: string;
  /** Reads the body, refusing more than `limit` bytes. */
  readonly body: (limit: number) => Promise<Buffer>;
}

/** Which node answers: a node's own base URL (/c/x/n/n2) or the cluster's (/c/x, any live node). */
export interface VaultPlace {
  readonly session: LabSession;
  readonly node: string | null;
}

/** A place, and the command door for this request's caller (server/auth/command-gate.ts): the KV
 *  routes read and write through it, as REST and the WebSocket do. */
export interface VaultTarget extends VaultPlace {
  command<C extends ClusterCommand>(command: C): Promise<ResultOf<C>>;
}

export interface VaultResponse {
  readonly status: number;
  readonly json?: unknown;
  readonly bytes?: Buffer;
  readonly contentType?: string;
}

/** An answer in Vault's error shape: {"errors": [...]}. */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly string[],
  ) {
    super(errors.join('; ') || `status ${status}`);
    this.name = 'VaultError';
  }
}

export const PERMISSION_DENIED = (): VaultError => new VaultError(403, ['permission denied']);

/** Vault's response envelope around `data`. */
export function vaultOk(data: unknown, extra: Record<string, unknown> = {}): VaultResponse {
  return {
    status: 200,
    json: { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null, ...extra },
  };
}

export const NO_CONTENT: VaultResponse = { status: 204 };

/** Vault's status for each of the lab's error codes. */
const STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  // Vault answers a failed check-and-set (and other refused writes) with 400.
  conflict: 400,
  'not-leader': 503,
  'no-leader': 503,
  unavailable: 503,
  // A quorum that cannot be reached in time is "unavailable" to a Vault client, never a hang.
  timeout: 503,
  'rate-limited': 429,
  'too-large': 413,
  'unsupported-media-type': 415,
  internal: 500,
};

const CAS_MISMATCH = 'check-and-set parameter did not match the current version';

export function fromCommandError(error: CommandError): VaultError {
  if (error.code === 'forbidden') return PERMISSION_DENIED();
  if (error.code === 'internal') return new VaultError(500, ['internal error']);
  // Vault's own words for a cas failure, so clients that match on them keep working.
  const message = error.message.startsWith(CAS_MISMATCH) ? CAS_MISMATCH : error.message;
  return new VaultError(STATUS[error.code], [message]);
}

/** Query flags as Vault reads them: "true", "1", "" (present) mean yes. */
export function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value !== null && (value === '' || value === '1' || value.toLowerCase() === 'true');
}

export function badRequest(message: string): VaultError {
  return new VaultError(400, [message]);
}

export function unsupported(request: VaultRequest): VaultError {
  return new VaultError(405, [`unsupported operation ${request.method} on ${request.path.join('/')}`]);
}

/** Raises CommandErrors as they come; anything else is a bug and stays in the server log. */
export function isCommandError(error: unknown): error is CommandError {
  return error instanceof CommandError;
}
