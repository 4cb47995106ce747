// Values need the token (issue 23, item 4): the view over REST, the WebSocket welcome and its event
// stream give a watcher keys, versions and a digest of each value; the token holder sees values; a
// cluster setting (values-visibility, or --public-values for the server) shows them to watchers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeCommand } from '../../shared/kv/commands.ts';
import { redactEvent } from '../../shared/protocol/redact.ts';
import { describeMessage } from '../../shared/raft/describe.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { rawRequest } from '../http/raw-http.ts';

const DIGEST = /^‹hidden [0-9a-f]{10}›$/;

/** A page's socket: every frame it got, as text. */
class Page {
  readonly frames: string[] = [];
  private readonly socket: WebSocket;
  constructor(url: string, token?: string) {
    this.socket = new WebSocket(`${url.replace('http', 'ws')}/api/clusters/default/live${token ? `?token=${token}` : ''}`);
    this.socket.on('message', (data) => this.frames.push(data.toString()));
  }
  /** Waits for a frame that `match` accepts and returns it parsed. */
  async next(what: string, match: (frame: any) => boolean): Promise<any> {
    const deadline = performance.now() + 20_000;
    for (let seen = 0; ; ) {
      while (seen < this.frames.length) {
        const frame = JSON.parse(this.frames[seen++]!);
        if (match(frame)) return frame;
      }
      if (performance.now() > deadline) throw new Error(`no frame: ${what}`);
      await new Promise((resolve) => this.socket.once('message', resolve));
    }
  }
  send(command: unknown): void {
    this.socket.send(JSON.stringify({ type: 'command', id: 1, command }));
  }
  close(): void {
    this.socket.close();
  }
}

async function put(t: TestLab, key: string, value: string): Promise<void> {
  const answer = await rawRequest(t.url, 'PUT', `/api/clusters/default/kv/${key}`, { headers: { 'content-type': 'application/json', 'x-vault-token': t.token }, body: JSON.stringify({ value }) });
  expect(answer.status).toBe(200);
}

const everywhere = (key: string) => (view: ClusterView) => view.nodes.every((node) => node.kv[key] !== undefined);

describe('values need the token', () => {
  let t: TestLab;
  beforeAll(async () => {
    t = await startTestLab({ nodes: 3 });
    await t.until('default', 'a leader', leaderIn);
    await put(t, 'baseline', 'keepme');
    await t.until('default', 'baseline everywhere', everywhere('baseline'));
  });
  afterAll(async () => t.dispose());

  it('the REST view shows a watcher digests, and the token holder values', async () => {
    const watcher = await rawRequest(t.url, 'GET', '/api/clusters/default');
    expect(watcher.text).not.toContain('keepme');
    expect(watcher.json.result).toMatchObject({ control: false, values: 'digests', publicValues: false });
    const digests = watcher.json.result.cluster.nodes.map((node: { kv: Record<string, { value: string; version: number }> }) => node.kv['baseline']);
    for (const held of digests) expect(held).toMatchObject({ value: expect.stringMatching(DIGEST), version: 1 });
    // Equal values, equal digests: a watcher still sees which nodes agree.
    expect(new Set(digests.map((held: { value: string }) => held.value)).size).toBe(1);
    const entry = watcher.json.result.cluster.nodes[0].log.find((e: { summary: string }) => e.summary === 'put baseline');
    expect(entry.value).toMatch(DIGEST);

    const owner = await rawRequest(t.url, 'GET', '/api/clusters/default', { headers: { 'x-vault-token': t.token } });
    expect(owner.json.result.values).toBe('shown');
    expect(owner.json.result.cluster.nodes[0].kv['baseline'].value).toBe('keepme');
  });

  it('the WebSocket gives a watcher digests in the welcome and in every event, and the token holder values', async () => {
    const watcher = new Page(t.url);
    const owner = new Page(t.url, t.token);
    try {
      const welcome = await watcher.next('welcome', (frame) => frame.type === 'welcome');
      expect(welcome).toMatchObject({ control: false, values: 'digests' });
      expect(JSON.stringify(welcome)).not.toContain('keepme');
      await owner.next('welcome', (frame) => frame.type === 'welcome');

      await put(t, 'second', 'secretvalue2');
      const applied = (frame: any) => frame.type === 'events' && frame.events.some((e: any) => e.type === 'client-op' && e.key === 'second');
      await owner.next('the write in the owner stream', applied);
      await watcher.next('the write in the watcher stream', applied);
      expect(owner.frames.join('\n')).toContain('secretvalue2');
      expect(watcher.frames.join('\n')).not.toContain('secretvalue2');
      expect(watcher.frames.join('\n')).toContain('"key":"second"');

      // A watcher cannot change what watchers see.
      watcher.send({ type: 'values-visibility', public: true });
      expect((await watcher.next('refused', (frame) => frame.type === 'result')).result.code).toBe('forbidden');
    } finally {
      watcher.close();
      owner.close();
    }
  });

  it('values-visibility shows values to watchers at once (a fresh welcome), and hides them again', async () => {
    const watcher = new Page(t.url);
    try {
      await watcher.next('welcome', (frame) => frame.type === 'welcome' && frame.values === 'digests');
      const shown = await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { 'content-type': 'application/json', 'x-vault-token': t.token }, body: JSON.stringify({ type: 'values-visibility', public: true }) });
      expect(shown.json).toEqual({ ok: true, result: { publicValues: true } });
      const fresh = await watcher.next('a welcome with values', (frame) => frame.type === 'welcome' && frame.values === 'shown');
      expect(fresh.publicValues).toBe(true);
      expect(JSON.stringify(fresh.view)).toContain('keepme');
      expect((await rawRequest(t.url, 'GET', '/api/clusters/default')).text).toContain('keepme');
      // A fork keeps the setting.
      const fork = await rawRequest(t.url, 'POST', '/api/clusters/default/fork', { headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(t.lab.clusters.get(fork.json.result.name)?.publicValues).toBe(true);

      await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { 'content-type': 'application/json', 'x-vault-token': t.token }, body: JSON.stringify({ type: 'values-visibility', public: false }) });
      await watcher.next('digests again', (frame) => frame.type === 'welcome' && frame.values === 'digests');
      expect((await rawRequest(t.url, 'GET', '/api/clusters/default')).text).not.toContain('keepme');
    } finally {
      watcher.close();
    }
  });
});

describe('--public-values', () => {
  it('shows values to every watcher from the start', async () => {
    const t = await startTestLab({ nodes: 1, publicValues: true });
    try {
      await t.until('default', 'a leader', leaderIn);
      await put(t, 'open', 'for-the-class');
      await t.until('default', 'applied', everywhere('open'));
      const view = await rawRequest(t.url, 'GET', '/api/clusters/default');
      expect(view.json.result).toMatchObject({ values: 'shown', publicValues: true });
      expect(view.text).toContain('for-the-class');
    } finally {
      await t.dispose();
    }
  });
});

describe('where values travel', () => {
  const marker = 'MARKER-VALUE';
  const digest = (value: string): string => `‹hidden ${value.length.toString(16).padStart(10, '0')}›`;
  const entry = { index: 2, term: 1, type: 'normal' as const, summary: 'put k', value: marker };

  it('redactEvent leaves no value in any event that carries one', () => {
    const events = [
      { seq: 1, time: 0, type: 'log-appended', node: 'n1', entries: [entry] },
      { seq: 2, time: 0, type: 'node-recovered', node: 'n1', log: [entry], term: 1, vote: null, tornTail: null, snapshotIndex: 0 },
      { seq: 3, time: 0, type: 'kv-applied', node: 'n1', index: 2, key: 'k', value: marker, version: 1 },
      { seq: 4, time: 0, type: 'client-call', opId: 1, client: 'c', op: 'put', key: 'k', value: marker, cas: null, start: 0 },
      { seq: 5, time: 0, type: 'client-op', opId: 1, client: 'c', op: 'get', key: 'k', value: marker, version: 1, cas: null, consistency: 'stale', node: 'n1', outcome: 'ok', detail: 'get k (stale at n1) → version 1', start: 0, end: 1 },
    ] as const;
    for (const event of events) {
      const redacted = JSON.stringify(redactEvent(event as never, digest));
      expect(redacted, event.type).not.toContain(marker);
      expect(redacted, event.type).toContain('‹hidden');
    }
  });

  it('a message summary never shows a value, even for the shortest key', () => {
    const data = encodeCommand({ op: 'put', key: 'k', data: { value: marker }, client: 'c', seq: 1, time: 1 });
    const summary = describeMessage({ type: 'Append', from: 'n1', to: 'n2', term: 1, prevIndex: 1, prevTerm: 1, entries: [{ index: 2, term: 1, type: 'normal', data }], commit: 1 } as never);
    expect(summary).toContain('App t1');
    expect(summary).not.toContain('MARKER');
  });
});
