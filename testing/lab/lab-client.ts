// A small typed client over the lab's REST API (server/http/control-api.ts, cluster-routes.ts). The
// commands are the lab's own zod schemas (shared/protocol/commands.ts), checked here before they are
// sent, so a typo fails in the test with the schema's sentence instead of a 400 from far away.
import { z } from 'zod';
import { commandResultSchema, describeValidationError, labCommandSchema, type ErrorCode } from '../../shared/protocol/commands.ts';
import { createClusterRequestSchema, createdClusterSchema, type CreatedCluster } from '../../shared/protocol/clusters.ts';
import { clusterViewSchema, type ClusterView } from '../../shared/protocol/views.ts';
import type { ClientEvent, Verdict } from '../../shared/protocol/client-history.ts';

/** A command as a caller writes it (defaults not yet filled in). */
export type LabCommandInput = z.input<typeof labCommandSchema>;
export type CreateClusterInput = z.input<typeof createClusterRequestSchema>;

/** What GET /api/clusters/{c}/history answers: the client history and the server's verdict. */
export interface ClusterHistory {
  readonly operations: readonly ClientEvent[];
  /** Older operations were dropped; the verdict then covers only the keys seen whole. */
  readonly trimmed: boolean;
  readonly verdict: Verdict;
}

/** The lab refused a request: its error code, HTTP status and sentence. */
export class LabApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LabApiError';
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TypeError(`${what}: ${describeValidationError(parsed.error)}`);
  return parsed.data;
}

export class LabClient {
  constructor(readonly url: string) {}

  /** A new cluster; its token comes back once (it is what gives control). */
  async createCluster(request: CreateClusterInput): Promise<CreatedCluster> {
    const body = checked(createClusterRequestSchema, request, 'createCluster');
    return checked(createdClusterSchema, await this.call('POST', '/api/clusters', { body }), 'the created cluster');
  }

  /** A client for one cluster, with its token (without one it can only watch). */
  cluster(name: string, token?: string): ClusterClient {
    return new ClusterClient(this, name, token);
  }

  async metrics(): Promise<string> {
    const response = await fetch(`${this.url}/metrics`);
    return response.text();
  }

  /** One REST call: the body of `{ok: true, result}`, or a LabApiError for `{ok: false, …}`. */
  async call(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = {};
    if (options.token) headers['x-vault-token'] = options.token;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: the lab answered ${response.status} without JSON: ${text.slice(0, 200)}`);
    }
    const result = checked(commandResultSchema, json, `${method} ${path}`);
    if (!result.ok) throw new LabApiError(result.code, response.status, `${method} ${path}: ${result.error}`);
    return result.result ?? {};
  }
}

export class ClusterClient {
  constructor(
    readonly lab: LabClient,
    readonly name: string,
    readonly token: string | undefined,
  ) {}

  private get base(): string {
    return `/api/clusters/${encodeURIComponent(this.name)}`;
  }

  private call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return this.lab.call(method, `${this.base}${path}`, { ...(body === undefined ? {} : { body }), ...(this.token ? { token: this.token } : {}) });
  }

  /** Runs one of the lab's commands (the page's buttons); answers the command's result. */
  async command(command: LabCommandInput): Promise<Record<string, unknown>> {
    return this.call('POST', '/commands', checked(labCommandSchema, command, 'command'));
  }

  /** The server's view of the cluster (values shown with the token). */
  async view(): Promise<ClusterView> {
    const result = await this.call('GET', '');
    return checked(clusterViewSchema, result['cluster'], 'the cluster view');
  }

  /** The client history and the server's linearizability verdict over it. */
  async history(): Promise<ClusterHistory> {
    return (await this.call('GET', '/history')) as unknown as ClusterHistory;
  }

  async put(key: string, value: string, options: { cas?: number; node?: string } = {}): Promise<Record<string, unknown>> {
    return this.call('PUT', `/kv/${key.split('/').map(encodeURIComponent).join('/')}`, { value, ...options });
  }

  async get(key: string, options: { consistency?: 'stale' | 'lease' | 'linearizable'; node?: string } = {}): Promise<Record<string, unknown>> {
    const query = new URLSearchParams(options as Record<string, string>).toString();
    return this.call('GET', `/kv/${key.split('/').map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`);
  }

  async delete(): Promise<void> {
    await this.call('DELETE', '');
  }
}
