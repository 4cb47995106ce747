// `npm run lab -- …`: drive a running lab from the command line through its REST API.
import { LAB_USAGE, LabUsageError, parseLabArgs, type LabOptions } from './lab-args.ts';
import { statusLines } from './status-lines.ts';
import { freshClusterName, settingsCommands } from '../../shared/protocol/fork-settings.ts';
import { clusterViewSchema } from '../../shared/protocol/views.ts';

async function call(options: LabOptions, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers['x-vault-token'] = options.token;
  const response = await fetch(`${options.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

/** Creates at a name chosen here (PUT /api/clusters/{name}), as the page does, so that behind a
 *  proxy that routes by name (deploy/nginx) the cluster lands where its name hashes; a taken
 *  name is tried again with another. */
async function createAtFreshName(options: LabOptions, source: string | null, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, any> }> {
  let answer = { status: 0, json: {} as Record<string, any> };
  for (let attempt = 0; attempt < 3; attempt++) {
    answer = await call(options, 'PUT', `/api/clusters/${freshClusterName(source)}`, body);
    if (answer.status !== 409) return answer;
  }
  return answer;
}

/** A fork: the source's view read first (its size, profile, implementation and settings), then a
 *  new cluster made with them, which may live on another server than its source. */
async function fork(options: LabOptions, base: string): Promise<{ status: number; json: Record<string, any> }> {
  const source = await call(options, 'GET', base);
  if (!source.json['ok']) return source;
  const view = clusterViewSchema.safeParse(source.json['result']?.['cluster']);
  if (!view.success) return { status: 502, json: { ok: false, code: 'internal', error: "the lab's view of the source is malformed" } };
  return createAtFreshName(options, options.cluster, {
    nodes: view.data.nodes.length,
    profile: view.data.profile,
    forkedFrom: options.cluster,
    settings: settingsCommands(view.data),
    ...(view.data.implementation ? { implementation: view.data.implementation } : {}),
    ...(source.json['result']?.['publicValues'] === true ? { publicValues: true } : {}),
  });
}

async function main(): Promise<number> {
  let options: LabOptions;
  try {
    options = parseLabArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof LabUsageError)) throw error;
    if (error.message) console.error(`lab: ${error.message}`);
    console.error(LAB_USAGE);
    return error.message ? 2 : 0;
  }
  const base = `/api/clusters/${encodeURIComponent(options.cluster)}`;
  const { action } = options;
  const answer =
    action.kind === 'command'
      ? await call(options, 'POST', `${base}/commands`, action.command)
      : action.kind === 'status' || action.kind === 'clusters'
        ? await call(options, 'GET', action.kind === 'status' ? base : '/api/clusters')
        : action.kind === 'create'
          ? await createAtFreshName(options, null, { nodes: action.nodes, profile: action.profile })
          : action.kind === 'fork'
            ? await fork(options, base)
            : await call(options, 'DELETE', base);
  const { json } = answer;
  if (!json['ok']) {
    console.error(`lab: ${String(json['code'])}: ${String(json['error'])}`);
    return 1;
  }
  const result = json['result'] as Record<string, any> | undefined;
  if (action.kind === 'status' && result) {
    for (const line of statusLines(result)) console.log(line);
  } else if ((action.kind === 'create' || action.kind === 'fork') && result) {
    console.log(`cluster ${result['name']} (${result['nodes']} nodes, ${result['profile']})`);
    console.log(`watch:   ${result['url']}`);
    console.log(`control: ${result['controlUrl']}`);
  } else console.log(JSON.stringify(result ?? {}, null, 2));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
