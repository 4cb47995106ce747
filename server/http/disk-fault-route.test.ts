// POST /api/clusters/{c}/nodes/{n}/disk-fault on a real server: a node's disk fault set over REST,
// as the page's control and the WebSocket set it, with bad bodies refused and nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderIn, startTestLab, type TestLab } from './lab-test-server.ts';

let t: TestLab;

beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  await t.until('default', 'a leader', leaderIn);
});
afterAll(async () => t.dispose());

async function post(path: string, body: unknown, token: string | null = t.token): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { 'x-vault-token': token } : {}) };
  const response = await fetch(`${t.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('the disk-fault route', () => {
  it('sets a slow disk with its parameters, a full one, and frees it', async () => {
    expect(await post('/api/clusters/default/nodes/n2/disk-fault', { fault: 'slow', p50Ms: 10, p99Ms: 90 })).toEqual({ status: 200, body: { ok: true, result: { fault: { kind: 'slow', p50Ms: 10, p99Ms: 90 } } } });
    expect(await post('/api/clusters/default/nodes/n2/disk-fault', { fault: 'full' })).toEqual({ status: 200, body: { ok: true, result: { fault: { kind: 'full' } } } });
    await t.until('default', 'n2 shown full', (view) => view.nodes.find((node) => node.id === 'n2')?.diskFault?.kind === 'full');
    expect(await post('/api/clusters/default/nodes/n2/disk-fault', { fault: 'none' })).toMatchObject({ status: 200, body: { ok: true } });
    await t.until('default', 'n2 healthy again', (view) => view.nodes.find((node) => node.id === 'n2')?.diskFault === undefined);
  });

  it('refuses a bad body, a parameter of another fault, no token, and an unknown node, changing nothing', async () => {
    expect(await post('/api/clusters/default/nodes/n1/disk-fault', { fault: 'melted' })).toMatchObject({ status: 400, body: { ok: false, code: 'bad-request' } });
    expect(await post('/api/clusters/default/nodes/n1/disk-fault', { fault: 'full', command: 'rm -rf /' })).toMatchObject({ status: 400, body: { ok: false, code: 'bad-request' } });
    expect(await post('/api/clusters/default/nodes/n1/disk-fault', { fault: 'failing', p50Ms: 3 })).toEqual({ status: 400, body: { ok: false, code: 'bad-request', error: 'p50Ms does not apply to a failing disk' } });
    expect(await post('/api/clusters/default/nodes/n1/disk-fault', '{nope')).toMatchObject({ status: 400 });
    expect((await post('/api/clusters/default/nodes/n1/disk-fault', { fault: 'full' }, null)).status).toBe(403);
    expect((await post('/api/clusters/default/nodes/n9/disk-fault', { fault: 'full' })).status).toBe(404);
    const view = await fetch(`${t.url}/api/clusters/default`).then((response) => response.json() as Promise<{ result: { cluster: { nodes: { diskFault?: unknown }[] } } }>);
    expect(view.result.cluster.nodes.every((node) => node.diskFault === undefined)).toBe(true);
  });
});
