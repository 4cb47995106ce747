// The README's Vault-compatibility claims that vault-api.test.ts does not cover (issue 22), each
// checked the way a Vault client relies on it, on one real server with real workers: the `vault kv`
// CLI's mount probe, sys/health's status-code parameters, a KV v2 delete, restoring a snapshot of
// the same cluster (and refusing another's without force), a write under quorum loss, and
// remove-peer. The tests share one 3-node cluster and run in order: the last two kill or remove nodes.
import { Agent } from 'node:http';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { leaderIn, standbyIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { rawRequest, type RawAnswer } from '../http/raw-http.ts';

let t: TestLab;
let vault: ReturnType<typeof nodeVault>;
// Raw requests get their own connections: Node 20's global agent gives its sockets a 5 s timeout,
// and on a socket node-vault (axios) had used, that ended a 6 s answer early ("socket hang up").
const agent = new Agent({ keepAlive: true });

beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  vault = nodeVault({ endpoint: `${t.url}/c/default`, token: t.token });
  await t.until('default', 'a leader and two standbys', settled);
});
afterAll(async () => {
  agent.destroy();
  await t.dispose();
});

const cluster = () => t.lab.clusters.get('default')!.cluster;

function call(method: string, path: string, options: { body?: unknown; token?: string | null } = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = options.token === null ? {} : { 'x-vault-token': options.token ?? t.token };
  const body = options.body === undefined ? undefined : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
  return rawRequest(t.url, method, path, { headers, agent, ...(body === undefined ? {} : { body }) });
}

async function nodeCommand(command: Record<string, unknown>): Promise<void> {
  expect((await cluster().execute(command as never)).ok, JSON.stringify(command)).toBe(true);
}

/** Every node up, one leader, and every other node a standby that knows it. */
function settled(view: ClusterView): boolean {
  const leader = leaderIn(view);
  return leader !== null && view.nodes.every((node) => node.life === 'alive' && (node.id === leader || (node.role === 'follower' && node.leader === leader)));
}

/** What `vault kv` does with the probe's answer (command/kv_helpers.go, addPrefixToKVPath). */
function kvApiPath(path: string, mountPath: string, apiPrefix: 'data' | 'metadata'): string {
  if (path === mountPath || path === mountPath.replace(/\/$/, '')) return `${mountPath.replace(/\/$/, '')}/${apiPrefix}`;
  return `${mountPath.replace(/\/$/, '')}/${apiPrefix}/${path.slice(mountPath.length)}`;
}

describe('the `vault kv` CLI preflight (sys/internal/ui/mounts/<path>)', () => {
  it('answers data.options.version "2" and data.path "secret/", and the paths the CLI derives from them work', async () => {
    // The CLI probes with the whole path it was given, then reads data.path and data.options.version.
    const probe = await vault.read('sys/internal/ui/mounts/secret/app/config');
    expect(probe.data).toMatchObject({ type: 'kv', path: 'secret/', options: { version: '2' } });
    expect((await vault.read('sys/internal/ui/mounts/secret')).data).toMatchObject({ path: 'secret/', options: { version: '2' } });

    const dataPath = kvApiPath('secret/app/config', probe.data.path, 'data');
    expect(dataPath).toBe('secret/data/app/config');
    await vault.write(dataPath, { data: { port: 5432 } });
    expect((await vault.read(dataPath)).data.data).toEqual({ port: 5432 });
    expect((await vault.read(kvApiPath('secret/app/config', probe.data.path, 'metadata'))).data.current_version).toBe(1);
  });

  it('needs the token, as Vault does for a mount path', async () => {
    expect((await call('GET', '/c/default/v1/sys/internal/ui/mounts/secret/app/config', { token: null })).status).toBe(403);
  });
});

describe('sys/health status codes, per node', () => {
  const health = (node: string | null, query = '', method = 'GET'): Promise<RawAnswer> =>
    call(method, `/c/default${node ? `/n/${node}` : ''}/v1/sys/health${query}`, { token: null });

  it('uses activecode on the leader, standbycode on a standby, and the defaults 200 / 429 otherwise', async () => {
    const view = cluster().view;
    const leader = leaderIn(view)!;
    const standby = standbyIn(view)!;
    expect((await health(leader)).status).toBe(200);
    expect((await health(leader, '?activecode=201')).status).toBe(201);
    expect((await health(leader, '?standbycode=299&sealedcode=530')).status).toBe(200);
    expect((await health(null, '?activecode=201')).status).toBe(201); // the cluster URL answers for the leader

    expect((await health(standby)).status).toBe(429);
    expect((await health(standby, '?standbycode=299')).status).toBe(299);
    expect((await health(standby, '?standbycode=299', 'HEAD')).status).toBe(299);
    expect((await health(standby, '?activecode=201&sealedcode=530')).status).toBe(429);
    // standbyok makes a standby count as active: then activecode applies, as in Vault.
    expect((await health(standby, '?standbyok=true')).status).toBe(200);
    expect((await health(standby, '?standbyok=true&activecode=201&standbycode=299')).status).toBe(201);
    // Vault parses standbyok with Go's ParseBool: "t" and "True" are true, an empty value is false,
    // and anything else is a 400.
    expect((await health(standby, '?standbyok=t')).status).toBe(200);
    expect((await health(standby, '?standbyok=True')).status).toBe(200);
    expect((await health(standby, '?standbyok')).status).toBe(429);
    expect((await health(standby, '?standbyok=yes')).status).toBe(400);
    expect((await health(leader, '?activecode=ok')).status).toBe(400);
  });

  it('uses sealedcode (default 503) on a node that is down', async () => {
    const view = cluster().view;
    const victim = standbyIn(view)!;
    await nodeCommand({ type: 'kill', node: victim });
    expect((await health(victim)).status).toBe(503);
    expect((await health(victim, '?sealedcode=530')).status).toBe(530);
    expect((await health(victim, '?activecode=201&standbycode=299&standbyok=true')).status).toBe(503);
    await nodeCommand({ type: 'restart', node: victim });
    await t.until('default', `${victim} a standby again`, (v) => v.nodes.find((node) => node.id === victim && node.life === 'alive' && node.role === 'follower' && node.leader));
    expect((await health(victim, '?standbycode=299')).status).toBe(299);
  });
});

describe('KV v2 delete', () => {
  it('answers 204 with no body; the latest version then reads as deleted, with its deletion_time', async () => {
    await vault.write('secret/data/gone/soon', { data: { v: 1 } });
    await vault.write('secret/data/gone/soon', { data: { v: 2 } });
    const deleted = await call('DELETE', '/c/default/v1/secret/data/gone/soon');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');

    // Vault answers a deleted version's read with 404 and the version's metadata (what `vault kv get` prints).
    const read = await call('GET', '/c/default/v1/secret/data/gone/soon');
    expect(read.status).toBe(404);
    expect(read.json.data.data).toBeNull();
    expect(read.json.data.metadata).toMatchObject({ version: 2, destroyed: false });
    expect(read.json.data.metadata.deletion_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    expect((await call('GET', '/c/default/v1/secret/data/gone/soon?version=2')).json.data.metadata.deletion_time).toBe(read.json.data.metadata.deletion_time);

    const meta = await vault.read('secret/metadata/gone/soon');
    expect(meta.data.current_version).toBe(2);
    expect(meta.data.versions['2'].deletion_time).toBe(read.json.data.metadata.deletion_time);
    expect(meta.data.versions['1'].deletion_time).toBe('');
    // Only the latest version was deleted: the older one still reads.
    expect((await vault.read('secret/data/gone/soon?version=1')).data.data).toEqual({ v: 1 });
  });
});

describe('snapshot restore', () => {
  it('restores a snapshot of the same cluster without force: every node goes back to it', async () => {
    await vault.write('secret/data/snap/kept', { data: { v: 'before' } });
    const saved = await call('GET', '/c/default/v1/sys/storage/raft/snapshot');
    expect(saved.status).toBe(200);
    await vault.write('secret/data/snap/kept', { data: { v: 'after' } });
    await vault.write('secret/data/snap/later', { data: { v: 'after' } });

    const restored = await call('POST', '/c/default/v1/sys/storage/raft/snapshot', { body: saved.bytes });
    expect(restored.status).toBe(204);
    expect((await vault.read('secret/data/snap/kept')).data).toMatchObject({ data: { v: 'before' }, metadata: { version: 1 } });
    expect((await call('GET', '/c/default/v1/secret/data/snap/later')).status).toBe(404);
    await t.until('default', 'every node restored', (view) => view.nodes.every((node) => node.kv['snap/kept']?.version === 1 && node.kv['snap/later'] === undefined));
  });

  it("refuses another cluster's snapshot without force, changing nothing, and takes it with snapshot-force", async () => {
    const created = await rawRequest(t.url, 'POST', '/api/clusters', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: 1, profile: 'production', name: 'elsewhere' }) });
    const other = created.json.result as { name: string; token: string };
    await t.until('elsewhere', 'a leader', leaderIn);
    expect((await call('PUT', '/c/elsewhere/v1/secret/data/from/elsewhere', { token: other.token, body: { data: { v: 1 } } })).status).toBe(200);
    const file = (await call('GET', '/c/elsewhere/v1/sys/storage/raft/snapshot', { token: other.token })).bytes;

    await vault.write('secret/data/snap/ours', { data: { v: 'ours' } });

    const refused = await call('POST', '/c/default/v1/sys/storage/raft/snapshot', { body: file });
    expect(refused.status).toBe(400);
    // Vault's words for a snapshot its seal cannot open, then which cluster sealed it.
    expect(refused.json.errors[0]).toMatch(/^could not verify hash file, possibly the snapshot is using a different set of unseal keys; use the snapshot-force API to bypass this check \(sealed by cluster "elsewhere", not default\)$/);
    expect((await vault.read('secret/data/snap/ours')).data.data).toEqual({ v: 'ours' });
    expect((await call('GET', '/c/default/v1/secret/data/from/elsewhere')).status).toBe(404);

    expect((await call('POST', '/c/default/v1/sys/storage/raft/snapshot-force', { body: file })).status).toBe(204);
    expect((await vault.read('secret/data/from/elsewhere')).data.data).toEqual({ v: 1 });
    expect((await call('GET', '/c/default/v1/secret/data/snap/ours')).status).toBe(404);
    expect((await rawRequest(t.url, 'DELETE', '/api/clusters/elsewhere', { headers: { 'x-vault-token': other.token } })).status).toBe(200);
  });
});

describe('quorum loss', () => {
  // README, Limits: at most four attempts, each four election timeouts and at least 2 s of real
  // time; in the production profile an election timeout is 150–300 ms, so 4 × 2 s.
  const README_BOUND_MS = 4 * 2000;

  it('answers a write and a read with 503 within the stated bound when a majority is down, and serves again once it is back', async () => {
    const view = cluster().view;
    const leader = leaderIn(view)!;
    const followers = view.nodes.filter((node) => node.id !== leader).map((node) => node.id);
    for (const node of followers) await nodeCommand({ type: 'kill', node });

    for (const [method, body] of [['PUT', { data: { v: 1 } }], ['GET', undefined]] as const) {
      const started = performance.now();
      const answer = await call(method, '/c/default/v1/secret/data/no/quorum', body ? { body } : {});
      const elapsed = performance.now() - started;
      expect(answer.status, `${method} ${answer.text}`).toBe(503);
      expect(answer.json.errors).toHaveLength(1);
      expect(elapsed, `${method} answered after ${Math.round(elapsed)} ms`).toBeLessThan(README_BOUND_MS + 4000);
    }
    // The lone leader steps down (check-quorum): sys/health says it is cut off.
    await t.until('default', `${leader} stepped down`, (v) => v.nodes.find((node) => node.id === leader)?.role !== 'leader');
    expect((await call('GET', `/c/default/n/${leader}/v1/sys/health`, { token: null })).status).toBe(503);

    for (const node of followers) await nodeCommand({ type: 'restart', node });
    await t.until('default', 'every node back under one leader', settled);
    expect((await vault.write('secret/data/no/quorum', { data: { v: 2 } })).data.version).toBeGreaterThanOrEqual(1);
  });
});

describe('sys/storage/raft/remove-peer', () => {
  it('removes a server from the configuration through Raft; an unknown one is an error in Vault shape', async () => {
    const servers = async (): Promise<string[]> => (await vault.read('sys/storage/raft/configuration')).data.config.servers.map((server: { node_id: string }) => server.node_id);
    await t.until('default', 'every node under one leader', settled);
    expect(await servers()).toEqual(['n1', 'n2', 'n3']);
    const victim = standbyIn(cluster().view)!;

    // As `vault operator raft remove-peer` does; Vault answers once the change is committed.
    await vault.write('sys/storage/raft/remove-peer', { server_id: victim });
    const remaining = ['n1', 'n2', 'n3'].filter((id) => id !== victim);
    expect(await servers()).toEqual(remaining);
    const autopilot = await vault.read('sys/storage/raft/autopilot/state');
    expect(autopilot.data.voters).toEqual(remaining);
    // The removed node is stopped and gone from the cluster.
    await t.until('default', `${victim} gone`, (view) => !view.nodes.some((node) => node.id === victim));
    expect((await call('GET', `/c/default/n/${victim}/v1/sys/health`, { token: null })).status).toBe(404);

    // Vault itself answers 204 for a server it does not have; the lab says so (README).
    const unknown = await call('POST', '/c/default/v1/sys/storage/raft/remove-peer', { body: { server_id: 'n9' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ errors: [expect.stringMatching(/n9/)] });
    const again = await call('POST', '/c/default/v1/sys/storage/raft/remove-peer', { body: { server_id: victim } });
    expect(again.status).toBe(404);
    expect(again.json.errors).toHaveLength(1);
    const malformed = await call('POST', '/c/default/v1/sys/storage/raft/remove-peer', { body: { server_id: '../n1' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toHaveLength(1);
    expect(await servers()).toEqual(remaining);
  });
});
