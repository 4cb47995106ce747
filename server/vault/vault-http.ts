// The Vault-compatible API's request and response shapes, kept apart from node:http so every route
// is a plain async function (tested directly, and reachable from the LIST fallback in lab-server).
import { randomUUID } from 'node:crypto';
import { CommandError, type ErrorCode } from '../../shared/protocol/command-error.ts';
import type { ClusterCommand } from '../../shared/protocol/commands.ts';
import type { ResultOf } from '../../shared/protocol/command-results.ts';
import type { Consistency } from '../../shared/protocol/events.ts';
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
  /** The X-Raftlab-Consistency header as sent (stale, lease or linearizable), if any. */
  readonly consistency?: string;
  /** It arrived at a node's own API port (node-api): addresses in answers are the nodes' ports. */
  readonly viaNodePort?: true;
}

/** Which node answers: a node's own base URL (/c/x/n/n2) or the cluster's (/c/x, any live node). */
export interface VaultPlace {
  readonly session: LabSession;
  readonly node: string | null;
}

/** What the KV routes need: the node a URL names (or null: any), and a door for its commands. On
 *  the main server that is the command door for this request's caller (server/auth/command-gate.ts),
 *  as REST and the WebSocket use; on a node's own port, the node's own client (cluster/node-api). */
export interface KvTarget {
  readonly node: string | null;
  /** How reads are served: the request's X-Raftlab-Consistency; else stale at a named node (as a
   *  Vault standby reads), linearizable through the leader for the cluster's URL. */
  readonly consistency?: Consistency;
  command<C extends ClusterCommand>(command: C): Promise<ResultOf<C>>;
}

/** A place, and the command door for this request's caller. */
export interface VaultTarget extends VaultPlace, KvTarget {}

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

const CONSISTENCIES: ReadonlySet<string> = new Set<Consistency>(['stale', 'lease', 'linearizable']);

/** The consistency a request asked for with X-Raftlab-Consistency; a 400 for anything else. */
export function requestedConsistency(request: VaultRequest): { consistency?: Consistency } {
  const raw = request.consistency;
  if (raw === undefined) return {};
  if (!CONSISTENCIES.has(raw)) throw badRequest(`X-Raftlab-Consistency must be stale, lease or linearizable, not ${JSON.stringify(raw.slice(0, 40))}`);
  return { consistency: raw as Consistency };
}
