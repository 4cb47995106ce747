// A fork may choose its size and its implementation (the page's fork does): a registered name makes
// a cluster of it, an unknown name or a command is a 400 that makes nothing, and a fork that says
// nothing keeps its source's implementation and size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseImplementation } from '../foreign/implementations.ts';
import { startTestLab, type TestLab } from './lab-test-server.ts';

const STARTER = resolve('examples/maelstrom-starter.js');

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab({ nodes: 1, implementations: [parseImplementation(`starter=${STARTER}`)] });
});
afterAll(async () => t?.dispose());

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.url}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: response.status, body: await response.json() };
}

const clusterNames = async (): Promise<string[]> => (await api('GET', '/api/clusters')).body.result.clusters.map((c: { name: string }) => c.name).sort();

describe('POST /api/clusters/{name}/fork with an implementation', () => {
  it('refuses an unknown name, a command or a bad size with a 400 and makes no cluster', async () => {
    const before = await clusterNames();
    expect(await api('POST', '/api/clusters/default/fork', { implementation: 'nope' })).toMatchObject({
      status: 400,
      body: { ok: false, code: 'bad-request', error: expect.stringMatching(/no implementation named "nope" is registered on this server \(it has: raftlab, starter\)/) },
    });
    expect(await api('POST', '/api/clusters/default/fork', { implementation: 'node -e 1' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^body: implementation:/) } });
    expect(await api('POST', '/api/clusters/default/fork', { implementation: 'starter', command: 'touch /tmp/pwned' })).toMatchObject({ status: 400 });
    expect(await api('POST', '/api/clusters/default/fork', { nodes: 10 })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/nodes/) } });
    expect(await clusterNames()).toEqual(before);
  });

  it('makes a cluster of a registered one, of the size asked; its own fork keeps both; "raftlab" forks back to our core', async () => {
    const fork = await api('POST', '/api/clusters/default/fork', { implementation: 'starter', nodes: 2, name: 'students' });
    expect(fork).toMatchObject({ status: 201, body: { result: { name: 'students', forkedFrom: 'default', nodes: 2, implementation: 'starter' } } });
    await t.until('students', 'two starters alive', (view) => view.implementation === 'starter' && view.nodes.length === 2 && view.nodes.every((node) => node.life === 'alive'));

    const again = await api('POST', '/api/clusters/students/fork', {});
    expect(again).toMatchObject({ status: 201, body: { result: { forkedFrom: 'students', nodes: 2, implementation: 'starter' } } });
    expect((await api('GET', `/api/clusters/${again.body.result.name}`)).body.result.cluster.implementation).toBe('starter');

    const ours = await api('POST', '/api/clusters/students/fork', { implementation: 'raftlab', nodes: 1 });
    expect(ours).toMatchObject({ status: 201, body: { result: { nodes: 1, implementation: 'raftlab' } } });
    const view = (await api('GET', `/api/clusters/${ours.body.result.name}`)).body.result.cluster;
    expect(view.implementation).toBeUndefined();
    expect(view.switches).toBeDefined();
  });
});
