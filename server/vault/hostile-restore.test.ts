// Restores on real nodes: a hostile image is refused whole with a clear 400 and changes nothing;
// an image at the edge of what a write could reach is taken, and every node comes back from a
// snapshot + kill + restart after it (a node must never accept what it cannot read back); an image
// past the one stated limit is 413, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEY_VERSION, MAX_RESTORE_BYTES, MAX_TIME_MS } from '../../shared/kv/limits.ts';
import { SNAPSHOT_FORMAT } from '../../shared/kv/snapshot.ts';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { rawRequest } from '../http/raw-http.ts';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  await t.until('default', 'a leader', leaderIn);
});
afterAll(async () => t.dispose());

const keyItem = (key: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  key,
  createdTime: 1,
  updatedTime: 1,
  currentVersion: 1,
  versions: [{ version: 1, data: { value: 'v' }, createdTime: 1, deletionTime: null }],
  ...over,
});
const imageOf = (...keys: Array<Record<string, unknown>>): string => JSON.stringify({ format: SNAPSHOT_FORMAT, appliedIndex: 1, keys, sessions: [] });
const fileOf = (image: string): string => JSON.stringify({ format: 'raftlab-snapshot/1', cluster: 'default', data: image });

async function restore(file: string | Buffer): Promise<{ status: number; errors?: string[] }> {
  const answer = await rawRequest(t.url, 'POST', '/c/default/v1/sys/storage/raft/snapshot', { headers: { 'x-vault-token': t.token }, body: file });
  return { status: answer.status, ...(answer.json?.errors ? { errors: answer.json.errors } : {}) };
}

async function command(body: Record<string, unknown>): Promise<void> {
  const answer = await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { 'content-type': 'application/json', 'x-vault-token': t.token }, body: JSON.stringify(body) });
  expect(answer.status, JSON.stringify(body)).toBe(200);
}

/** Each node snapshots what it holds, is killed and restarted, and must come back alive from its disk. */
async function restartEveryNode(): Promise<void> {
  for (const node of ['n1', 'n2', 'n3']) {
    await command({ type: 'snapshot-now', node });
    await command({ type: 'kill', node });
    await command({ type: 'restart', node });
    await t.until('default', `${node} back`, (view) => {
      const status = view.nodes.find((candidate) => candidate.id === node)?.life;
      if (status === 'failed') throw new Error(`${node} failed after its restart`);
      return status === 'alive';
    });
  }
  await t.until('default', 'a leader again', leaderIn);
}

describe('restores on real nodes', () => {
  it('refuses hostile images whole, and every node restarts unharmed afterwards', async () => {
    const hostile = {
      'an unsafe version': imageOf(keyItem('k', { currentVersion: 2 ** 53 - 1, versions: [{ version: 2 ** 53 - 1, data: {}, createdTime: 1, deletionTime: null }] })),
      'a .. key': imageOf(keyItem('..')),
      'a . key': imageOf(keyItem('.')),
      'a traversal key': imageOf(keyItem('../../etc/passwd')),
      'an a/../b key': imageOf(keyItem('a/../b')),
      'a markup key': imageOf(keyItem('<script>x</script>')),
      'a bidi key': imageOf(keyItem('a\u202eb')),
      'a time no date can show': imageOf(keyItem('k', { createdTime: 2 ** 53 - 1 })),
    };
    await rawRequest(t.url, 'PUT', '/api/clusters/default/kv/before', { headers: { 'content-type': 'application/json', 'x-vault-token': t.token }, body: '{"value":"kept"}' });
    for (const [name, image] of Object.entries(hostile)) {
      const answer = await restore(fileOf(image));
      expect(answer.status, name).toBe(400);
      expect(answer.errors?.[0], name).toMatch(/^not a raftlab snapshot: /);
    }
    await restartEveryNode();
    const view = await t.until('default', 'every node has its old key', (v) => (v.nodes.every((node) => node.kv['before']?.value === 'kept') ? v : null));
    for (const node of view.nodes) expect(Object.keys(node.kv)).toEqual(['before']);
  });

  it('takes an image at the edge of what writes reach; a write past it is refused; every node restarts after it', async () => {
    const edge = imageOf(
      keyItem('top', { currentVersion: MAX_KEY_VERSION, createdTime: MAX_TIME_MS, updatedTime: MAX_TIME_MS, versions: [{ version: MAX_KEY_VERSION, data: { value: 'edge' }, createdTime: MAX_TIME_MS, deletionTime: null }] }),
    );
    expect((await restore(fileOf(edge))).status).toBe(204);
    await t.until('default', 'every node restored', (view) => view.nodes.every((node) => node.kv['top']?.version === MAX_KEY_VERSION));
    const write = await rawRequest(t.url, 'PUT', '/c/default/v1/secret/data/top', { headers: { 'x-vault-token': t.token }, body: '{"data":{"value":"one more"}}' });
    expect(write.status).toBe(400);
    expect(write.json.errors[0]).toMatch(/highest a key reaches/);
    const read = await rawRequest(t.url, 'GET', '/c/default/v1/secret/data/top', { headers: { 'x-vault-token': t.token } });
    expect(read.status).toBe(200);
    expect(read.json.data.metadata.created_time).toBe('9999-12-31T23:59:59.999Z');
    await restartEveryNode();
    const again = await rawRequest(t.url, 'GET', '/c/default/v1/secret/data/top', { headers: { 'x-vault-token': t.token } });
    expect(again.json.data).toMatchObject({ data: { value: 'edge' }, metadata: { version: MAX_KEY_VERSION } });
  });

  it('answers an image past the 8 MiB limit with 413, whether the file is 9 MiB or 17 MiB', async () => {
    const value = 'x'.repeat(60_000);
    const keys = Array.from({ length: Math.ceil((MAX_RESTORE_BYTES * 1.1) / value.length) }, (_, i) => keyItem(`big/${i}`, { versions: [{ version: 1, data: { value }, createdTime: 1, deletionTime: null }] }));
    const nine = fileOf(imageOf(...keys));
    expect(nine.length).toBeGreaterThan(MAX_RESTORE_BYTES);
    expect(nine.length).toBeLessThan(2 * MAX_RESTORE_BYTES);
    const refused = await restore(nine);
    expect(refused.status).toBe(413);
    expect(refused.errors?.[0]).toMatch(/limit is 8388608 \(8 MiB\)/);
    const seventeen = Buffer.alloc(17 * 1024 * 1024, 0x20);
    expect((await restore(seventeen)).status).toBe(413);
  });
});
