// The boundary fuzzed as an attacker would (issue 23): dot segments, empty segments and encoded
// slashes in every position of every route, sent as written; foreign Origin and Host on REST and
// WebSocket; hostile snapshot images followed by a restart of every node; malformed commands from
// a socket that holds the token (so they reach the cluster, not stop at "forbidden"). Every answer
// is an error of the route's own shape, never a 5xx or a stack; nothing planted or deleted; the
// server's stderr stays free of stack traces throughout; the clusters still serve afterwards.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { SNAPSHOT_FORMAT } from '../../shared/kv/snapshot.ts';
import { createPrng, type Prng } from '../../shared/net/prng.ts';
import type { ServerFrame } from '../../shared/protocol/frames.ts';
import { leaderIn, startTestLab, type TestLab } from './lab-test-server.ts';
import { rawRequest } from './raw-http.ts';

const SEED = Number(process.env['RAFTLAB_FUZZ_SEED'] ?? 20_261_202);
const STACK = /\n\s+at |\bat .+:\d+:\d+|node:internal|\.ts:\d+/;
const JSON_TYPE = { 'content-type': 'application/json' };

let t: TestLab;
let target: { name: string; token: string };
const logged: string[] = [];

beforeAll(async () => {
  console.log(`fuzz-boundary seed=${SEED} (set RAFTLAB_FUZZ_SEED to replay)`);
  // Everything the server writes to stderr (console.error/warn go through it, or are spied on).
  for (const method of ['error', 'warn'] as const) {
    vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => void logged.push(parts.map((part) => (part instanceof Error ? `${part.message}\n${part.stack}` : String(part))).join(' ')));
  }
  t = await startTestLab({ nodes: 3, httpRate: { perSecond: 1e6, burst: 1e6 }, live: { commands: { perSecond: 1e6, burst: 1e6 } } });
  const created = await rawRequest(t.url, 'POST', '/api/clusters', { headers: JSON_TYPE, body: JSON.stringify({ nodes: 3, profile: 'production', name: 'target' }) });
  target = { name: 'target', token: created.json.result.token };
  await t.until('default', 'a leader', leaderIn);
  await t.until('target', 'a leader', leaderIn);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.dispose();
});

const pick = <T>(random: Prng, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Every route, as segments; {c} is a cluster, {n} a node, {k} a key path. */
const ROUTES: ReadonlyArray<{ method: string; path: string; body?: string }> = [
  { method: 'GET', path: '/api/clusters/{c}' },
  { method: 'DELETE', path: '/api/clusters/{c}' },
  { method: 'POST', path: '/api/clusters/{c}/fork', body: '{}' },
  { method: 'POST', path: '/api/clusters/{c}/commands', body: '{"type":"heal-network"}' },
  { method: 'POST', path: '/api/clusters/{c}/nodes/{n}/pause' },
  { method: 'PUT', path: '/api/clusters/{c}/kv/{k}', body: '{"value":"planted"}' },
  { method: 'DELETE', path: '/api/clusters/{c}/kv/{k}' },
  { method: 'GET', path: '/api/clusters/{c}/kv/{k}' },
  { method: 'POST', path: '/api/scenarios/leader-election' },
  { method: 'GET', path: '/metrics' },
  { method: 'PUT', path: '/c/{c}/v1/secret/data/{k}', body: '{"data":{"v":"planted"}}' },
  { method: 'DELETE', path: '/c/{c}/n/{n}/v1/secret/data/{k}' },
  { method: 'GET', path: '/c/{c}/v1/secret/metadata/{k}' },
  { method: 'POST', path: '/c/{c}/v1/sys/storage/raft/remove-peer', body: '{"server_id":"n3"}' },
  { method: 'POST', path: '/c/{c}/v1/sys/storage/raft/snapshot-force', body: '{}' },
  { method: 'GET', path: '/assets/index.js' },
];
const BAD_SEGMENTS = ['..', '.', '%2e%2e', '%2E', '.%2e', '', 'a%2Fb', '%2f', 'a%5cb', '%2e%2e%2f%2e%2e'];

function filled(path: string, token: string): string {
  return path.replace('{c}', 'target').replace('{n}', 'n2').replace('{k}', 'deep/key').replace(token, token);
}

describe('the boundary, fuzzed', () => {
  it('answers a dot segment, an empty segment or an encoded slash in every position of every route with 400', async () => {
    const random = createPrng(SEED);
    const failures: string[] = [];
    const headers = { ...JSON_TYPE, 'x-vault-token': target.token };
    for (let round = 0; round < 600; round++) {
      const route = pick(random, ROUTES);
      const segments = filled(route.path, target.token).split('/').slice(1);
      const bad = pick(random, BAD_SEGMENTS);
      // Insert the bad segment or replace one. An empty segment goes between two others: at the end
      // it would be a trailing slash, which names a folder (a Vault LIST), not a hole.
      const at = bad === '' ? 1 + Math.floor(random() * (segments.length - 1)) : Math.floor(random() * (segments.length + 1));
      const replace = bad !== '' && at < segments.length && random() < 0.5;
      const mutated = [...segments.slice(0, at), bad, ...segments.slice(replace ? at + 1 : at)];
      if (bad === '' && at >= segments.length) continue;
      const path = `/${mutated.join('/')}`;
      const answer = await rawRequest(t.url, route.method, path, { headers, ...(route.body ? { body: route.body } : {}) });
      const shaped = answer.json && (Array.isArray(answer.json.errors) || answer.json.ok === false);
      if (answer.status !== 400 || !shaped || STACK.test(answer.text)) failures.push(`${route.method} ${path} → ${answer.status} ${answer.text.slice(0, 120)}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // Nothing was deleted, nothing planted, no node paused.
    expect(t.lab.clusters.all().map((session) => session.name).sort()).toEqual(['default', 'target']);
    const view = t.lab.clusters.get('target')!.cluster.view;
    expect(view.nodes.flatMap((node) => Object.keys(node.kv))).toEqual([]);
    expect(view.nodes.every((node) => node.life === 'alive')).toBe(true);
  });

  it('refuses foreign Origin on every state-changing route and foreign Host on every route, REST and WebSocket', async () => {
    const random = createPrng(SEED + 1);
    const { port } = new URL(t.url);
    const failures: string[] = [];
    for (let round = 0; round < 400; round++) {
      const route = pick(random, ROUTES);
      const foreignHost = random() < 0.5;
      if (!foreignHost && route.method === 'GET') continue;
      const headers: Record<string, string> = { ...JSON_TYPE, 'x-vault-token': target.token };
      if (foreignHost) headers['host'] = pick(random, [`evil.example:${port}`, 'attacker.test', `127.0.0.1.evil.example:${port}`]);
      else headers['origin'] = pick(random, ['http://evil.example', 'null', `https://evil.example:${port}`, `file://`, `chrome-extension://abc`]);
      const answer = await rawRequest(t.url, route.method, filled(route.path, target.token), { headers, ...(route.body ? { body: route.body } : {}) });
      if (answer.status !== 403 || STACK.test(answer.text)) failures.push(`${route.method} ${route.path} ${JSON.stringify(headers)} → ${answer.status}`);
    }
    const upgrade = (headers: Record<string, string>): Promise<string> =>
      new Promise((resolve) => {
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/target/live`, { headers });
        socket.once('open', () => {
          resolve('open');
          socket.close();
        });
        socket.once('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
        socket.once('error', () => resolve('error'));
      });
    const upgrades: Array<Record<string, string>> = [{ origin: 'http://evil.example' }, { origin: `http://evil.example:${port}`, host: `evil.example:${port}` }, { host: 'attacker.test' }, { origin: `ws://127.0.0.1:${port}` }];
    for (const headers of upgrades) {
      const outcome = await upgrade(headers);
      if (outcome !== '403') failures.push(`upgrade ${JSON.stringify(headers)} → ${outcome}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(t.lab.clusters.all()).toHaveLength(2);
  });

  it('refuses 300 hostile snapshot images whole, and every node of the cluster restarts from its disk afterwards', async () => {
    const random = createPrng(SEED + 2);
    const hostileKeys = ['..', '.', '../../etc/passwd', 'a/../b', 'a//b', '/abs', 'trail/', '<b>x</b>', 'a\u202eb', 'é', '', 'x'.repeat(600)];
    // Each choice below breaks a rule a write keeps; none leaves a valid image behind.
    const hostileTimes = [2 ** 53 - 1, 2 ** 53, -1, 1.5, 1e308, 253_402_300_800_000, '7', true];
    const hostileVersions = [2 ** 32, 2 ** 53 - 1, 2 ** 53, 0, -1, 1.5, '1'];
    const failures: string[] = [];
    for (let round = 0; round < 300; round++) {
      const item: Record<string, unknown> = { key: 'k', createdTime: 1, updatedTime: 1, currentVersion: 1, versions: [{ version: 1, data: { v: 1 }, createdTime: 1, deletionTime: null }] };
      const version = (item['versions'] as Array<Record<string, unknown>>)[0]!;
      switch (Math.floor(random() * 6)) {
        case 0: item['key'] = pick(random, hostileKeys); break;
        case 1: item[pick(random, ['createdTime', 'updatedTime'])] = pick(random, hostileTimes); break;
        case 2: version[pick(random, ['createdTime', 'deletionTime'])] = pick(random, hostileTimes); break;
        case 3: item['currentVersion'] = version['version'] = pick(random, hostileVersions); break;
        case 4: item['currentVersion'] = 20; version['version'] = pick(random, [1, 5, 10, 21]); break;
        default: version['data'] = pick(random, [null, [], 'x', 7]);
      }
      const image = JSON.stringify({ format: SNAPSHOT_FORMAT, appliedIndex: 1, keys: [item], sessions: [] });
      const file = JSON.stringify({ format: 'raftlab-snapshot/1', cluster: 'target', data: image });
      const answer = await rawRequest(t.url, 'POST', '/c/target/v1/sys/storage/raft/snapshot', { headers: { 'x-vault-token': target.token }, body: file });
      if (answer.status !== 400 || !Array.isArray(answer.json?.errors) || STACK.test(answer.text)) failures.push(`${JSON.stringify(item).slice(0, 160)} → ${answer.status} ${answer.text.slice(0, 120)}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    const cluster = t.lab.clusters.get('target')!.cluster;
    for (const node of cluster.nodeIds()) {
      for (const command of [{ type: 'snapshot-now', node }, { type: 'kill', node }, { type: 'restart', node }] as const) {
        const result = await cluster.execute(command);
        expect(result.ok, `${command.type} ${node}`).toBe(true);
      }
      await t.until('target', `${node} back`, (view) => {
        const life = view.nodes.find((candidate) => candidate.id === node)?.life;
        if (life === 'failed') throw new Error(`${node} failed at its restart`);
        return life === 'alive';
      });
    }
    expect(cluster.view.nodes.flatMap((node) => Object.keys(node.kv))).toEqual([]);
  });

  it('answers 3,000 malformed commands from a socket holding the token, never with an internal error', async () => {
    const random = createPrng(SEED + 3);
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/target/live?token=${encodeURIComponent(target.token)}`);
    const commands: Array<Record<string, unknown>> = [
      { type: 'kill', node: 'n2' },
      { type: 'put', key: 'k', value: 'v' },
      { type: 'get', key: 'k', consistency: 'stale' },
      { type: 'clock', speed: 1 },
      { type: 'partition', groups: [['n1'], ['n2', 'n3']] },
      { type: 'network', settings: { loss: 0.1 } },
      { type: 'inspect-message', id: 1 },
      { type: 'cut-link', from: 'n1', to: 'n2', direction: 'both' },
    ];
    const junk = (): unknown => pick(random, [null, -1, 0, 1e308, 'n1', 'n99', '..', '', [], {}, { a: 1 }, true, 'x'.repeat(300), 2 ** 53]);
    const TOTAL = 3000;
    const bad: string[] = [];
    let answered = 0;
    const done = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        const text = data.toString();
        const frame = JSON.parse(text) as ServerFrame;
        if (frame.type === 'welcome' || frame.type === 'events') return;
        answered += 1;
        if ((frame.type === 'result' && !frame.result.ok && frame.result.code === 'internal') || STACK.test(text)) bad.push(text.slice(0, 200));
        if (answered >= TOTAL) resolve();
      });
    });
    await new Promise((resolve) => socket.once('open', resolve));
    for (let i = 0; i < TOTAL; i++) {
      const command: Record<string, unknown> = { ...pick(random, commands) };
      const field = pick(random, [...Object.keys(command), 'type', 'extra']);
      command[field] = field === 'type' && random() < 0.5 ? pick(random, ['kill', 'restart', 'put', 'get', 'step', 'hold', 'tear-tail']) : junk();
      socket.send(JSON.stringify({ type: 'command', id: i, command }));
    }
    await done;
    socket.close();
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('leaves both clusters serving and the server log free of stack traces', async () => {
    const cluster = t.lab.clusters.get('target')!.cluster;
    for (const command of [{ type: 'heal-network' }, { type: 'restart-all' }, { type: 'clock', speed: 1, paused: false }, { type: 'hold', held: false }] as const) await cluster.execute(command as never);
    await t.until('target', 'a leader again', leaderIn, 30_000);
    const write = await rawRequest(t.url, 'PUT', '/c/target/v1/secret/data/after-fuzz', { headers: { 'x-vault-token': target.token }, body: '{"data":{"ok":true}}' });
    expect(write.status).toBe(200);
    expect((await rawRequest(t.url, 'PUT', '/c/default/v1/secret/data/after-fuzz', { headers: { 'x-vault-token': t.token }, body: '{"data":{"ok":true}}' })).status).toBe(200);
    expect(logged.filter((line) => STACK.test(line))).toEqual([]);
  });
});
