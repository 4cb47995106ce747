// The Vault-compatible API driven by an off-the-shelf Vault client (node-vault) against a real lab
// server with real Raft nodes, plus raw requests for what the client library does not cover.
import { request as httpRequest } from 'node:http';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formedIn, leaderIn, standbyIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';

let t: TestLab;
let vault: ReturnType<typeof nodeVault>;

beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  vault = nodeVault({ endpoint: `${t.url}/c/default`, token: t.token });
  // Formed: list-peers and autopilot are asked for every voter, and the joins must have committed.
  await t.until('default', 'a formed cluster', formedIn);
});
afterAll(async () => t.dispose());

async function raw(path: string, init: RequestInit & { token?: string | null } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (init.token !== null) headers['x-vault-token'] = init.token ?? t.token;
  const response = await fetch(`${t.url}${path}`, { ...init, headers });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A request whose path is sent exactly as written (fetch would normalise "..", "%2e%2e"). */
function verbatim(path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, headers: { 'x-vault-token': t.token } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function apiError(error: unknown): { status: number; errors: string[] } {
  const response = (error as { response?: { statusCode: number; body: { errors: string[] } } }).response;
  if (!response) throw error;
  return { status: response.statusCode, errors: response.body.errors };
}

describe('KV v2 through node-vault', () => {
  it('writes, reads, versions and check-and-set like Vault', async () => {
    const first = await vault.write('secret/data/app/db', { data: { password: 'one' } });
    expect(first.data.version).toBe(1);
    expect(first.data.created_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    const second = await vault.write('secret/data/app/db', { data: { password: 'two' }, options: { cas: 1 } });
    expect(second.data.version).toBe(2);

    const read = await vault.read('secret/data/app/db');
    expect(read.data.data).toEqual({ password: 'two' });
    expect(read.data.metadata.version).toBe(2);
    expect(read.data.metadata.deletion_time).toBe('');
    const old = await vault.read('secret/data/app/db?version=1');
    expect(old.data.data).toEqual({ password: 'one' });

    const mismatch = await vault.write('secret/data/app/db', { data: { password: 'three' }, options: { cas: 1 } }).catch(apiError);
    expect(mismatch).toEqual({ status: 400, errors: ['check-and-set parameter did not match the current version'] });
    const createOnly = await vault.write('secret/data/app/db', { data: { x: 1 }, options: { cas: 0 } }).catch(apiError);
    expect(createOnly.status).toBe(400);

    const meta = await vault.read('secret/metadata/app/db');
    expect(meta.data.current_version).toBe(2);
    expect(Object.keys(meta.data.versions)).toEqual(['1', '2']);

    await vault.delete('secret/data/app/db');
    expect(apiError(await vault.read('secret/data/app/db').catch((e: unknown) => e)).status).toBe(404);
    expect(apiError(await vault.read('secret/data/never/was').catch((e: unknown) => e)).status).toBe(404);
  });

  it('lists with ?list=true and with the LIST verb', async () => {
    await vault.write('secret/data/team/a', { data: { v: 1 } });
    await vault.write('secret/data/team/sub/b', { data: { v: 2 } });
    await t.until('default', 'team keys on the leader', (view) => {
      const leader = view.nodes.find((node) => node.id === leaderIn(view));
      return leader?.kv['team/sub/b'] !== undefined;
    });
    const getList = nodeVault({ endpoint: `${t.url}/c/default`, token: t.token, noCustomHTTPVerbs: true });
    expect((await getList.list('secret/metadata/team')).data.keys).toEqual(['a', 'sub/']);
    // node-vault's default: the LIST verb, which Node's parser refuses; the server answers it anyway.
    expect((await vault.list('secret/metadata/team')).data.keys).toEqual(['a', 'sub/']);
    expect(apiError(await vault.list('secret/metadata/nothing-here').catch((e: unknown) => e)).status).toBe(404);
  });

  it('refuses a missing or wrong token with 403 permission denied', async () => {
    const stranger = nodeVault({ endpoint: `${t.url}/c/default`, token: 'not-the-token' });
    expect(apiError(await stranger.read('secret/data/x').catch((e: unknown) => e))).toEqual({ status: 403, errors: ['permission denied'] });
    expect((await raw('/c/default/v1/secret/data/x', { token: null })).status).toBe(403);
  });

  it('answers bad input with Vault errors, never a stack', async () => {
    const bad = await raw('/c/default/v1/secret/data/k', { method: 'PUT', body: '{"data": [1,2]}' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/data/);
    expect((await raw('/c/default/v1/secret/data/k', { method: 'PUT', body: 'nope' })).status).toBe(400);
    expect((await verbatim('/c/default/v1/secret/data/a/../b')).status).toBe(400);
    expect((await verbatim('/c/default/v1/secret/data/a/%2e%2e/b')).status).toBe(400);
    // Paths are read as sent: an encoded slash or a malformed escape is a bad request, not a route.
    expect((await verbatim('/c/..%2F..%2Fetc/v1/secret/data/k')).status).toBe(400);
    expect(JSON.parse((await verbatim('/c/default/v1/secret/data/a/../b')).body).errors[0]).toMatch(/"\." or "\.\." segment/);
    expect((await raw('/c/default/v1/secret/data/%E0%A4%A')).status).toBe(400);
    expect((await raw('/c/nope/v1/secret/data/k')).status).toBe(404);
    expect((await raw('/c/default/n/n9/v1/sys/health')).status).toBe(404);
    expect((await raw('/c/default/v1/secret/data/k?version=-1')).status).toBe(400);
    expect((await raw('/c/default/v1/other/thing')).body.errors[0]).toMatch(/no handler for route/);
    const big = await raw('/c/default/v1/secret/data/k', { method: 'PUT', body: JSON.stringify({ data: { v: 'x'.repeat(70_000) } }) });
    expect(big.status).toBe(400);
  });
});

describe('nodes, health and forwarding', () => {
  it('answers sys/health 200 on the leader, 429 on a standby, 503 on a dead node', async () => {
    const view = t.lab.clusters.get('default')!.cluster.view;
    const leader = leaderIn(view)!;
    const standby = await t.until('default', 'a standby', standbyIn);
    const health = await vault.health();
    expect(health).toMatchObject({ initialized: true, sealed: false, standby: false, performance_standby: false, cluster_name: 'default', replication_dr_mode: 'disabled' });
    expect(health.cluster_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await raw(`/c/default/n/${leader}/v1/sys/health`, { token: null })).status).toBe(200);
    const standbyAnswer = await raw(`/c/default/n/${standby}/v1/sys/health`, { token: null });
    expect(standbyAnswer.status).toBe(429);
    expect(standbyAnswer.body.standby).toBe(true);
    expect((await raw(`/c/default/n/${standby}/v1/sys/health?standbyok=true`, { token: null })).status).toBe(200);
  });

  it('answers what `vault status` asks (seal-status, leader) without a token, per node', async () => {
    const view = t.lab.clusters.get('default')!.cluster.view;
    const leader = leaderIn(view)!;
    const standby = await t.until('default', 'a standby', standbyIn);
    const seal = await raw('/c/default/v1/sys/seal-status', { token: null });
    expect(seal.status).toBe(200);
    expect(seal.body).toMatchObject({ type: 'shamir', initialized: true, sealed: false, storage_type: 'raft', cluster_name: 'default' });
    expect(seal.body.cluster_id).toBe((await vault.health()).cluster_id);

    const onLeader = await raw(`/c/default/n/${leader}/v1/sys/leader`, { token: null });
    expect(onLeader.body).toMatchObject({ ha_enabled: true, is_self: true, leader_address: `${t.url}/c/default/n/${leader}`, leader_cluster_address: `https://${leader}.default.raftlab:8201` });
    expect(onLeader.body.raft_committed_index).toBeGreaterThan(0);
    expect(onLeader.body.raft_applied_index).toBeLessThanOrEqual(onLeader.body.raft_committed_index);
    const onStandby = await raw(`/c/default/n/${standby}/v1/sys/leader`, { token: null });
    expect(onStandby.body).toMatchObject({ is_self: false, leader_address: `${t.url}/c/default/n/${leader}` });
    expect((await vault.request({ path: '/sys/leader', method: 'GET' })).is_self).toBe(true); // the cluster URL: the leader answers
    expect((await raw('/c/default/v1/sys/leader', { method: 'POST', token: null })).status).toBe(405);
  });

  it('forwards a write sent to a follower, and that follower reads back what it just wrote (read your writes)', async () => {
    const follower = await t.until('default', 'a standby', standbyIn);
    const leader = leaderIn(t.lab.clusters.get('default')!.cluster.view)!;
    const command = (body: unknown) => raw('/api/clusters/default/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // What the leader sends this follower is slow: the other follower makes the majority without it.
    expect((await command({ type: 'network', from: leader, to: follower, settings: { latency: 400 } })).status).toBe(200);
    try {
      const onFollower = nodeVault({ endpoint: `${t.url}/c/default/n/${follower}`, token: t.token });
      const written = await onFollower.write('secret/data/forwarded', { data: { via: follower } });
      expect(written.data.version).toBe(1);
      // No waiting here: the follower answered the write only once it had applied it.
      expect((await onFollower.read('secret/data/forwarded')).data.data).toEqual({ via: follower });
    } finally {
      await command({ type: 'network', from: leader, to: follower, settings: { latency: 0 } });
    }
  });

  it('shows the raft configuration and autopilot state in Vault shapes', async () => {
    const config = await raw('/c/default/v1/sys/storage/raft/configuration');
    expect(config.status).toBe(200);
    const servers = config.body.data.config.servers as Array<{ node_id: string; leader: boolean; voter: boolean; protocol_version: string; address: string }>;
    expect(servers.map((server) => server.node_id)).toEqual(['n1', 'n2', 'n3']);
    expect(servers.filter((server) => server.leader)).toHaveLength(1);
    expect(servers.every((server) => server.voter && server.protocol_version === '3')).toBe(true);
    // The types `vault operator raft list-peers` casts to: node_id and address strings, leader and voter booleans.
    for (const server of servers) expect([typeof server.node_id, typeof server.address, typeof server.leader, typeof server.voter]).toEqual(['string', 'string', 'boolean', 'boolean']);
    const autopilot = await raw('/c/default/v1/sys/storage/raft/autopilot/state');
    expect(autopilot.body.data).toMatchObject({ voters: ['n1', 'n2', 'n3'] });
    expect(autopilot.body.data.servers.n1).toMatchObject({ id: 'n1', node_type: 'voter' });
    expect(typeof autopilot.body.data.failure_tolerance).toBe('number');
  });

  it('answers 503 for a node that is down', async () => {
    const view = t.lab.clusters.get('default')!.cluster.view;
    const victim = view.nodes.find((node) => node.id !== leaderIn(view))!.id;
    await t.lab.clusters.get('default')!.cluster.execute({ type: 'kill', node: victim });
    expect((await raw(`/c/default/n/${victim}/v1/sys/health`, { token: null })).status).toBe(503);
    expect((await raw(`/c/default/n/${victim}/v1/secret/data/forwarded`)).status).toBe(503);
    expect((await raw(`/c/default/n/${victim}/v1/sys/leader`, { token: null })).status).toBe(503);
    expect((await raw(`/c/default/n/${victim}/v1/sys/seal-status`, { token: null })).status).toBe(503);
    await t.lab.clusters.get('default')!.cluster.execute({ type: 'restart', node: victim });
    await t.until('default', `${victim} back`, (v) => v.nodes.find((node) => node.id === victim)?.life === 'alive');
  });
});

describe('the token self-lookup services call at start-up', () => {
  it('answers tokenLookupSelf and tokenRenewSelf for the cluster token, and 403 for another', async () => {
    expect((await vault.tokenLookupSelf()).data).toMatchObject({ id: t.token, policies: ['root'] });
    expect((await vault.tokenRenewSelf()).auth).toMatchObject({ client_token: t.token });
    const stranger = nodeVault({ endpoint: `${t.url}/c/default`, token: 'not-the-token' });
    expect(apiError(await stranger.tokenLookupSelf().catch((e: unknown) => e)).status).toBe(403);
  });
});

describe('snapshots: the disaster-recovery drill', () => {
  it('restores a snapshot saved from one cluster into another', async () => {
    await vault.write('secret/data/dr/keep', { data: { precious: true } });
    // node-vault has no snapshot call, and its generic request decodes a body as text (a gzip'd
    // archive would not survive), so the archive's bytes travel by fetch, as they must against Vault.
    const saved = await fetch(`${t.url}/c/default/v1/sys/storage/raft/snapshot`, { headers: { 'x-vault-token': t.token } });
    expect(saved.status).toBe(200);
    const file = Buffer.from(await saved.arrayBuffer());

    const created = await fetch(`${t.url}/api/clusters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: 3, profile: 'production', name: 'recovery' }) });
    const { result } = (await created.json()) as { result: { name: string; token: string } };
    await t.until('recovery', 'a leader in the new cluster', leaderIn);
    const fresh = nodeVault({ endpoint: `${t.url}/c/recovery`, token: result.token });

    const refused = await fetch(`${t.url}/c/recovery/v1/sys/storage/raft/snapshot`, { method: 'POST', body: file, headers: { 'x-vault-token': result.token } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: string[] }).errors[0]).toMatch(/snapshot-force/);
    const forced = await fetch(`${t.url}/c/recovery/v1/sys/storage/raft/snapshot-force`, { method: 'POST', body: file, headers: { 'x-vault-token': result.token } });
    expect(forced.status).toBe(204);
    expect((await fresh.read('secret/data/dr/keep')).data.data).toEqual({ precious: true });
    expect((await fresh.read('secret/metadata/dr/keep')).data.current_version).toBe(1);
    // Every node installed it (it went through the log).
    await t.until('recovery', 'every node restored', (view) => view.nodes.every((node) => node.kv['dr/keep'] !== undefined));

    const garbage = await fetch(`${t.url}/c/recovery/v1/sys/storage/raft/snapshot-force`, { method: 'POST', body: '{"format":"raftlab-snapshot/1","data":"{}"}', headers: { 'x-vault-token': result.token } });
    expect(garbage.status).toBe(400);
  });
});
