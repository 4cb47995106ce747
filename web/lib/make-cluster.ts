// Making a cluster from the page: a new one, or a fork of the one watched, of a chosen size and
// implementation. Either is created at a name the page chooses first (PUT /api/clusters/{name}), so
// that behind a proxy that routes by cluster name (deploy/nginx) it lands on the server that will
// hold it; a fork brings its source's profile and settings from the view, since that server may
// not have the source. A taken name is tried again with another. The request is checked against the
// server's own schema before it leaves; the answer is validated when it comes back.
import { createdClusterSchema, putClusterRequestSchema, type CreatedCluster } from '../../shared/protocol/clusters.ts';
import { MAX_NODES, describeValidationError } from '../../shared/protocol/commands.ts';
import { freshClusterName, type SettingCommand } from '../../shared/protocol/fork-settings.ts';
import { fetchAnswer, type Answer } from './api-answer.ts';

/** The cluster a fork copies, as the page knows it. */
export interface ForkSource {
  readonly name: string;
  /** The source's registered implementation; absent for our own core. */
  readonly implementation?: string;
  readonly nodes: number;
  readonly profile: 'teaching' | 'production';
  /** Its clock, switches and network as commands (shared/protocol/fork-settings.ts). */
  readonly settings: readonly SettingCommand[];
  /** Whether its watchers see values: the fork's do too. */
  readonly publicValues?: boolean;
}

export interface ClusterChoice {
  /** Absent until the person chooses: the server's default then (a fork's source's, or our core). */
  readonly implementation?: string;
  /** What the number field holds: null when it is empty. */
  readonly nodes: number | null;
}

/** Names tried before giving up when each is taken. */
const NAME_TRIES = 3;

/** The request for `choice` at `name`: a fork of `source`, or a new cluster when there is none. */
export function clusterRequest(choice: ClusterChoice, source: ForkSource | null, name: string): { ok: true; url: string; body: object } | { ok: false; error: string } {
  if (choice.nodes === null) return { ok: false, error: `say how many nodes (1 to ${MAX_NODES})` };
  const implementation = choice.implementation ?? source?.implementation;
  const wanted = {
    nodes: choice.nodes,
    ...(implementation === undefined ? {} : { implementation }),
    ...(source ? { profile: source.profile, forkedFrom: source.name, settings: source.settings, ...(source.publicValues ? { publicValues: true } : {}) } : {}),
  };
  const parsed = putClusterRequestSchema.safeParse(wanted);
  if (!parsed.success) return { ok: false, error: describeValidationError(parsed.error) };
  return { ok: true, url: `/api/clusters/${encodeURIComponent(name)}`, body: parsed.data };
}

export async function makeCluster(choice: ClusterChoice, source: ForkSource | null): Promise<Answer<CreatedCluster>> {
  let outcome: Answer<CreatedCluster> = { ok: false, error: 'no name was free' };
  for (let attempt = 0; attempt < NAME_TRIES; attempt++) {
    const request = clusterRequest(choice, source, freshClusterName(source?.name ?? null));
    if (!request.ok) return request;
    outcome = await fetchAnswer(request.url, createdClusterSchema, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) });
    if (outcome.ok || !/already exists/.test(outcome.error)) return outcome;
  }
  return outcome;
}
