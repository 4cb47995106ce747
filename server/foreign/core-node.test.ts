// Our own core wrapped as a Maelstrom process (examples/raftlab-core-node.ts), as a student's node
// would run: the REST kv route speaks lin-kv to it, a write survives the leader's process being
// killed, a follower relays with the client's src, and the history route's verdict is linearizable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { parseImplementation } from './implementations.ts';

const CORE = resolve('examples/raftlab-core-node.ts');
let t: TestLab;
let token = '';

beforeAll(async () => {
  t = await startTestLab({ nodes: 1, implementations: [parseImplementation(`core=${CORE}`)] });
  const created = await api('POST', '/api/clusters', { nodes: 3, implementation: 'core', name: 'core', profile: 'production' });
  token = created.body.result.token;
  await t.until('core', 'a leader elected by the wrapped core', leaderIn, 60_000);
}, 90_000);
afterAll(async () => {
  await t?.dispose().catch(() => rmSync(t.dataDir, { recursive: true, force: true }));
});

async function api(method: string, path: string, body?: unknown, withToken = true): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(withToken && token ? { 'x-vault-token': token } : {}) };
  const response = await fetch(`${t.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: await response.json() };
}

describe('our core as a Maelstrom process', () => {
  it('writes and reads back through the REST kv route, and reads it back from the new leader after the leader is killed', async () => {
    expect(await api('PUT', '/api/clusters/core/kv/color', { value: 'blue' })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await api('GET', '/api/clusters/core/kv/color')).toMatchObject({ status: 200, body: { result: { value: 'blue' } } });
    const leader = leaderIn(t.lab.clusters.get('core')!.cluster.view)!;
    expect((await api('POST', `/api/clusters/core/nodes/${leader}/kill`)).status).toBe(200);
    const next = await t.until('core', 'a new leader', (view) => {
      const now = leaderIn(view);
      return now !== leader ? now : null;
    }, 30_000);
    expect(next).not.toBe(leader);
    // Read back through whichever node leads now (leadership may move again after the election).
    const after = await api('GET', '/api/clusters/core/kv/color');
    expect(after).toMatchObject({ status: 200, body: { result: { value: 'blue' } } });
    expect(after.body.result.node).not.toBe(leader);
    expect((await api('POST', `/api/clusters/core/nodes/${leader}/restart`)).status).toBe(200);
    await t.until('core', 'the old leader back', (view) => view.nodes.find((node) => node.id === leader)?.life === 'alive');
  }, 90_000);

  it('cas by value: applies when the key holds "from", is refused (409) when it does not; cas by version and delete are a clear 400', async () => {
    expect((await api('PUT', '/api/clusters/core/kv/n', { value: '1' })).status).toBe(200);
    expect(await api('PUT', '/api/clusters/core/kv/n', { value: '2', from: '1' })).toMatchObject({ status: 200 });
    expect(await api('PUT', '/api/clusters/core/kv/n', { value: '3', from: '1' })).toMatchObject({ status: 409, body: { error: expect.stringMatching(/precondition-failed \(22\)/) } });
    expect(await api('GET', '/api/clusters/core/kv/n')).toMatchObject({ body: { result: { value: '2' } } });
    expect(await api('PUT', '/api/clusters/core/kv/n', { value: '3', cas: 1 })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/cas by version/) } });
    expect(await api('DELETE', '/api/clusters/core/kv/n')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/lin-kv has no delete/) } });
    expect(await api('GET', '/api/clusters/core/kv/never-written')).toMatchObject({ status: 200, body: { result: { value: null } } });
  }, 60_000);

  it("the Vault KV routes speak lin-kv too: a secret written through /c/core/v1 reads back; versions, metadata and cas by version are a clear 400", async () => {
    expect(await api('PUT', '/c/core/v1/secret/data/app/db', { data: { user: 'ada', port: 5432 } })).toMatchObject({ status: 200 });
    expect(await api('GET', '/c/core/v1/secret/data/app/db')).toMatchObject({ status: 200, body: { data: { data: { user: 'ada', port: 5432 } } } });
    // The lab's client recorded it as lin-kv operations, in the history the checker reads.
    const ops = t.lab.clusters.get('core')!.cluster.events.since(0).filter((event) => event.type === 'client-op' && event.key === 'app/db');
    expect(ops.map((op) => op.type === 'client-op' && `${op.op}:${op.outcome}:${op.value}`)).toEqual(['put:ok:{"user":"ada","port":5432}', 'get:ok:{"user":"ada","port":5432}']);
    expect(await api('GET', '/c/core/v1/secret/data/app/db?version=1')).toMatchObject({ status: 400, body: { errors: [expect.stringMatching(/no versions/)] } });
    expect(await api('GET', '/c/core/v1/secret/metadata/app/db')).toMatchObject({ status: 400, body: { errors: [expect.stringMatching(/no metadata/)] } });
    expect(await api('PUT', '/c/core/v1/secret/data/app/db', { data: { user: 'bob' }, options: { cas: 1 } })).toMatchObject({ status: 400, body: { errors: [expect.stringMatching(/cas by version/)] } });
    expect((await api('GET', '/c/core/v1/secret/data/app/db', undefined, false)).status).toBe(403);
  }, 60_000);

  it('a write sent to a follower is relayed to the leader with the client\'s src, and the leader answers the client', async () => {
    const view = t.lab.clusters.get('core')!.cluster.view;
    const follower = view.nodes.find((node) => node.life === 'alive' && node.role === 'follower')!.id;
    const events: { kind: string; from: string; to: string }[] = [];
    const unsubscribe = t.lab.clusters.get('core')!.cluster.events.subscribe((event) => {
      if (event.type === 'message-sent') events.push(event.message);
    });
    try {
      expect(await api('PUT', '/api/clusters/core/kv/relayed', { value: 'yes', node: follower })).toMatchObject({ status: 200 });
    } finally {
      unsubscribe();
    }
    expect(events.some((message) => message.kind === 'write' && message.from === follower)).toBe(true);
  }, 60_000);

  it('the history route returns the operations and a linearizable verdict; for our own clusters too; and it needs the token', async () => {
    const history = await api('GET', '/api/clusters/core/history');
    expect(history.status).toBe(200);
    expect(history.body.result.operations.filter((event: { type: string }) => event.type === 'client-op').length).toBeGreaterThanOrEqual(8);
    expect(history.body.result.verdict).toMatchObject({ kind: 'checked', result: { verdict: 'linearizable', ok: true } });
    expect((await api('GET', '/api/clusters/core/history', undefined, false)).status).toBe(403);

    const ours = await fetch(`${t.url}/api/clusters/default/history`, { headers: { 'x-vault-token': t.token } });
    expect(ours.status).toBe(200);
    expect((await ours.json()).result.verdict).toMatchObject({ kind: 'empty' });
  });
});
