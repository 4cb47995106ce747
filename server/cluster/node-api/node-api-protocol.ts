// What a node's worker and the main thread say about the node's own API port (node-api-server.ts):
// where it listens, the Vault requests it hands to the main thread (every route but the KV data
// path, which the node serves itself), the client operations it served (for the page, the history
// and the checkers), and what the node must know of its peers. Both ends are our code: typed.
import type { UnstampedEvent } from '../../../shared/protocol/events.ts';
import type { RateLimit } from '../../auth/rate-limit.ts';

/** How a node's worker serves its API: given in its WorkerInit when the cluster has node ports. */
export interface NodeApiInit {
  readonly host: string;
  /** The port to listen on; 0 for one the system picks. Taken (EADDRINUSE): the system picks. */
  readonly port: number;
  readonly cluster: string;
  /** The cluster's control token (Vault's X-Vault-Token for the KV routes). */
  readonly token: string;
  /** The server's --allowed-host names and HTTP rate, checked by the same front door. */
  readonly allowedHosts: readonly string[];
  readonly httpRate: RateLimit;
}

/** A Vault request the node hands to the main thread, as it arrived (its body already read). */
export interface RelayedVaultRequest {
  readonly method: string;
  readonly path: readonly string[];
  readonly trailingSlash: boolean;
  /** The query string without "?". */
  readonly query: string;
  readonly token: string | null;
  readonly body: Uint8Array;
  /** X-Raftlab-Consistency, as sent. */
  readonly consistency?: string;
}

/** The main thread's answer, as the Vault routes give it. */
export interface RelayedVaultAnswer {
  readonly status: number;
  readonly json?: unknown;
  readonly bytes?: Uint8Array;
  readonly contentType?: string;
}

/** Worker → main. */
export type NodeApiReport =
  | { readonly type: 'api-listening'; readonly address: string; readonly port: number; readonly note?: string }
  | { readonly type: 'api-failed'; readonly error: string }
  | { readonly type: 'api-relay'; readonly id: number; readonly request: RelayedVaultRequest }
  /** Client operations the port served since the last report (client-call / client-op events). */
  | { readonly type: 'client-events'; readonly events: readonly UnstampedEvent[] };

/** Main → worker. */
export type NodeApiMessage =
  /** Which peers run, and each node's API address (sys/leader names the leader's). */
  | { readonly type: 'api-peers'; readonly running: readonly string[] }
  | { readonly type: 'api-answer'; readonly id: number; readonly answer: RelayedVaultAnswer };

const API_REPORTS = new Set(['api-listening', 'api-failed', 'api-relay', 'client-events']);

export function isNodeApiReport(message: { readonly type: string }): message is NodeApiReport {
  return API_REPORTS.has(message.type);
}
