// Making a cluster from the page: a new one (POST /api/clusters) or a fork of the one watched
// (POST /api/clusters/{name}/fork), of a chosen size and implementation. The request is checked
// against the server's own schema before it leaves; the answer is validated when it comes back.
import { createClusterRequestSchema, createdClusterSchema, forkClusterRequestSchema, type CreatedCluster } from '../../shared/protocol/clusters.ts';
import { MAX_NODES, describeValidationError } from '../../shared/protocol/commands.ts';
import { fetchAnswer, type Answer } from './api-answer.ts';

/** The cluster a fork copies, as the page knows it. */
export interface ForkSource {
  readonly name: string;
  /** The source's registered implementation; absent for our own core. */
  readonly implementation?: string;
  readonly nodes: number;
}

export interface ClusterChoice {
  /** Absent until the person chooses: the server's default then (a fork's source's, or our core). */
  readonly implementation?: string;
  /** What the number field holds: null when it is empty. */
  readonly nodes: number | null;
}

/** The request for `choice`: a fork of `source`, or a new cluster when there is none. */
export function clusterRequest(choice: ClusterChoice, source: ForkSource | null): { ok: true; url: string; body: object } | { ok: false; error: string } {
  if (choice.nodes === null) return { ok: false, error: `say how many nodes (1 to ${MAX_NODES})` };
  const wanted = { nodes: choice.nodes, ...(choice.implementation === undefined ? {} : { implementation: choice.implementation }) };
  const parsed = source ? forkClusterRequestSchema.safeParse(wanted) : createClusterRequestSchema.safeParse(wanted);
  if (!parsed.success) return { ok: false, error: describeValidationError(parsed.error) };
  const url = source ? `/api/clusters/${encodeURIComponent(source.name)}/fork` : '/api/clusters';
  return { ok: true, url, body: parsed.data };
}

export async function makeCluster(choice: ClusterChoice, source: ForkSource | null): Promise<Answer<CreatedCluster>> {
  const request = clusterRequest(choice, source);
  if (!request.ok) return request;
  return fetchAnswer(request.url, createdClusterSchema, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) });
}
