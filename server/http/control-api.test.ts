// REST control API and cluster management against a real server: tokens (watch vs control),
// create / fork / delete, server-wide caps, idle reaping, and /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { leaderIn, startTestLab, type TestLab } from './lab-test-server.ts';

let t: TestLab;

beforeAll(async () => {
  t = await startTestLab({ nodes: 3, limits: { maxClusters: 3, maxNodes: 9, idleMs: 60 * 60_000 } });
  await t.until('default', 'a leader', leaderIn);
});
afterAll(async () => t.dispose());

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  // A body goes as JSON, as every correct client sends it (the server refuses others with 415).
  const withType = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
  const response = await fetch(`${t.url}${path}`, { method, headers: withType, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return { status: response.status, body: await response.json() };
}

describe('watching and controlling', () => {
  it('lets anyone read the view and refuses commands without the token', async () => {
    const view = await api('GET', '/api/clusters/default');
    expect(view.status).toBe(200);
    expect(view.body.result.control).toBe(false);
    const refused = await api('POST', '/api/clusters/default/commands', { type: 'clock', speed: 1 });
    expect(refused).toMatchObject({ status: 403, body: { ok: false, code: 'forbidden' } });
    expect((await api('POST', '/api/clusters/default/nodes/n1/kill')).status).toBe(403);
    expect((await api('PUT', '/api/clusters/default/kv/a', { value: 'b' }, { 'x-vault-token': 'wrong-token' })).status).toBe(403);
  });

  it('runs commands with the token as X-Vault-Token or a Bearer header, with the same validation', async () => {
    const put = await api('PUT', '/api/clusters/default/kv/color', { value: 'blue' }, { authorization: `Bearer ${t.token}` });
    expect(put).toMatchObject({ status: 200, body: { ok: true } });
    const get = await api('GET', '/api/clusters/default/kv/color?consistency=linearizable', undefined, { 'x-vault-token': t.token });
    expect(get.body.result.value).toBe('blue');
    const bad = await api('POST', '/api/clusters/default/commands', { type: 'kill', node: 'n0' }, { 'x-vault-token': t.token });
    expect(bad).toMatchObject({ status: 400, body: { ok: false, code: 'bad-request' } });
    expect((await api('POST', '/api/clusters/default/commands', '{not json', { 'x-vault-token': t.token })).status).toBe(400);
    expect((await api('POST', '/api/clusters/default/nodes/n1/explode', undefined, { 'x-vault-token': t.token })).status).toBe(404);
  });

  it('puts a Vault data object, reads an older version, a key\'s metadata and a folder as commands, each with its typed result', async () => {
    const run = (command: unknown) => api('POST', '/api/clusters/default/commands', command, { 'x-vault-token': t.token });
    expect(await run({ type: 'put', key: 'app/db', data: { user: 'ada' } })).toMatchObject({ status: 200, body: { ok: true, result: { key: 'app/db', version: 1, op: 'put' } } });
    expect(await run({ type: 'put', key: 'app/db', data: { user: 'bob' } })).toMatchObject({ status: 200, body: { result: { version: 2 } } });
    expect(await run({ type: 'get', key: 'app/db', version: 1 })).toMatchObject({ status: 200, body: { result: { key: 'app/db', version: 1, data: { user: 'ada' }, deleted: false, createdTime: expect.any(Number) } } });
    const metadata = await run({ type: 'get-metadata', key: 'app/db', consistency: 'linearizable' });
    expect(metadata).toMatchObject({ status: 200, body: { result: { key: 'app/db', node: expect.any(String), metadata: { currentVersion: 2, versions: { '1': { deletionTime: null }, '2': { deletionTime: null } } } } } });
    expect(await run({ type: 'list-keys', prefix: 'app' })).toMatchObject({ status: 200, body: { result: { keys: ['db'] } } });
    expect(await run({ type: 'get-metadata', key: 'nothing-here' })).toMatchObject({ status: 200, body: { result: { metadata: null } } });
    // A put carries exactly one of value and data.
    expect(await run({ type: 'put', key: 'x', value: 'a', data: { v: 1 } })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    expect(await run({ type: 'put', key: 'x' })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    expect(await run({ type: 'list-keys', prefix: '../etc' })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
  });
});

describe('cluster management', () => {
  it('creates a cluster whose token only its creator has, forks it with its settings, and deletes both', async () => {
    const created = await api('POST', '/api/clusters', { nodes: 1, profile: 'production', name: 'sandbox' });
    expect(created.status).toBe(201);
    expect(created.body.result).toMatchObject({ name: 'sandbox', nodes: 1, profile: 'production' });
    expect(created.body.result.controlUrl).toBe(`${created.body.result.url}#token=${encodeURIComponent(created.body.result.token)}`);
    const token = created.body.result.token as string;
    expect(token).not.toBe(t.token);
    expect((await api('POST', '/api/clusters/sandbox/commands', { type: 'clock', speed: 0.5 }, { 'x-vault-token': t.token })).status).toBe(403);
    expect((await api('POST', '/api/clusters/sandbox/commands', { type: 'clock', speed: 0.5 }, { 'x-vault-token': token })).status).toBe(200);
    await api('POST', '/api/clusters/sandbox/commands', { type: 'switches', preVote: false }, { 'x-vault-token': token });
    expect((await api('POST', '/api/clusters', { nodes: 1, profile: 'production', name: 'sandbox' })).status).toBe(409);

    const fork = await api('POST', '/api/clusters/sandbox/fork', {});
    expect(fork.status).toBe(201);
    const forkName = fork.body.result.name as string;
    expect(fork.body.result.forkedFrom).toBe('sandbox');
    const forkView = (await api('GET', `/api/clusters/${forkName}`)).body.result.cluster;
    expect(forkView.clock.speed).toBe(0.5);
    expect(forkView.switches.preVote).toBe(false);
    expect(forkView.nodes).toHaveLength(1);

    expect((await api('DELETE', `/api/clusters/${forkName}`)).status).toBe(403);
    expect((await api('DELETE', `/api/clusters/${forkName}`, undefined, { 'x-vault-token': fork.body.result.token })).status).toBe(200);
    expect((await api('DELETE', '/api/clusters/sandbox', undefined, { 'x-vault-token': token })).status).toBe(200);
    expect(existsSync(join(t.dataDir, 'sandbox'))).toBe(false);
    expect((await api('GET', '/api/clusters/sandbox')).status).toBe(404);
    expect((await api('DELETE', '/api/clusters/default', undefined, { 'x-vault-token': t.token })).status).toBe(409);
  });

  it('refuses clusters and nodes beyond the server caps with a clear error', async () => {
    const tooBig = await api('POST', '/api/clusters', { nodes: 7, profile: 'production' });
    expect(tooBig.status).toBe(503);
    expect(tooBig.body.error).toMatch(/at most 9 nodes/);
    const a = await api('POST', '/api/clusters', { nodes: 1, profile: 'production' });
    const b = await api('POST', '/api/clusters', { nodes: 1, profile: 'production' });
    const third = await api('POST', '/api/clusters', { nodes: 1, profile: 'production' });
    expect(third.status).toBe(503);
    expect(third.body.error).toMatch(/limit of 3 clusters/);
    for (const made of [a, b]) await api('DELETE', `/api/clusters/${made.body.result.name}`, undefined, { 'x-vault-token': made.body.result.token });
  });

  it('validates create requests and cluster names (no path traversal into the data directory)', async () => {
    expect((await api('POST', '/api/clusters', { nodes: 10, profile: 'production' })).status).toBe(400);
    expect((await api('POST', '/api/clusters', { nodes: 1, profile: 'production', name: '../etc' })).status).toBe(400);
    expect((await api('POST', '/api/clusters', { nodes: 1, profile: 'fast' })).status).toBe(400);
    expect((await api('POST', '/api/clusters', { nodes: 1, extra: true })).status).toBe(400);
    expect((await api('GET', '/api/clusters/..%2F..%2Fetc')).status).toBe(400);
  });

  it('stops an idle cluster and removes its data; the default cluster stays', async () => {
    const made = await api('POST', '/api/clusters', { nodes: 1, profile: 'production', name: 'idle-one' });
    expect(made.status).toBe(201);
    expect(existsSync(join(t.dataDir, 'idle-one'))).toBe(true);
    const reaped = await t.lab.clusters.reapIdle(performance.now() + 2 * 60 * 60_000);
    expect(reaped).toEqual(['idle-one']);
    expect(existsSync(join(t.dataDir, 'idle-one'))).toBe(false);
    expect(t.lab.clusters.get('default')).toBeDefined();
  });
});

describe('/metrics', () => {
  it('exposes per-node and per-server metrics in the Prometheus text format', async () => {
    const response = await fetch(`${t.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await response.text();
    expect(text).toMatch(/^# HELP raftlab_node_up /m);
    expect(text).toMatch(/^raftlab_node_term\{cluster="default",node="n1"\} \d+$/m);
    expect(text).toMatch(/^raftlab_node_role\{cluster="default",node="n\d",role="leader"\} 1$/m);
    expect(text).toMatch(/^etcd_server_proposals_committed_total\{cluster="default",node="n2"\} \d+$/m);
    expect(text).toMatch(/^raftlab_node_messages_sent_total\{cluster="default",node="n1"\} [1-9]\d*$/m);
    // Per-node fsync latency: every node has written its log by now.
    expect(text).toMatch(/^etcd_disk_wal_fsync_duration_seconds_count\{cluster="default",node="n1"\} [1-9]\d*$/m);
    expect(text).toMatch(/^etcd_disk_wal_fsync_duration_seconds_sum\{cluster="default",node="n2"\} [0-9.e-]+$/m);
    expect(text).toMatch(/^raftlab_cluster_bus_direct_total\{cluster="default"\} \d+$/m);
    expect(text).toMatch(/^raftlab_clusters 1$/m);
    expect(text).toMatch(/^raftlab_ws_connections \d+$/m);
    expect(text).toMatch(/^raftlab_events_per_second [\d.]+$/m);
    // Every sample line is `name{labels} number`.
    for (const line of text.trim().split('\n')) if (line !== '' && !line.startsWith('#')) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? -?[\d.e+]+$/);
  });
});
