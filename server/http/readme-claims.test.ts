// The README's limits, each checked at the value the README states (issue 22: "README claims with
// no test"): the HTTP rate limit's 429 at 200/s burst 400, the WebSocket's 20/s burst 40, the
// 1,000-connection cap, a dead peer dropped after a missed ping, the header, frame and body caps,
// the data directory surviving a server restart, and idle reaping that spares a watched cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_LIVE_LIMITS, MAX_CLIENT_FRAME_BYTES } from '../live/live-server.ts';
import { DEFAULT_HTTP_RATE, DEFAULT_HTTP_TIMEOUTS, DEFAULT_MAX_CONNECTIONS, startLabServer } from '../lab-server.ts';
import { MAX_BODY_BYTES } from './json-io.ts';
import { leaderIn, startTestLab, type TestLab } from './lab-test-server.ts';
import { rawRequest, rawSocket, readUntilClosed } from './raw-http.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const wsUrl = (t: TestLab, query = ''): string => `${t.url.replace('http', 'ws')}/api/clusters/default/live${query}`;

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

describe('the README limits, at their defaults', () => {
  let t: TestLab;
  beforeAll(async () => {
    t = await startTestLab({ nodes: 1 });
    await t.until('default', 'a leader', leaderIn);
  });
  afterAll(async () => t.dispose());

  it('states the defaults the README states', () => {
    expect(DEFAULT_HTTP_RATE).toEqual({ perSecond: 200, burst: 400 });
    expect(DEFAULT_LIVE_LIMITS).toMatchObject({ maxConnections: 1000, commands: { perSecond: 20, burst: 40 }, heartbeatMs: 15_000, highWaterBytes: 1024 * 1024, lowWaterBytes: 64 * 1024 });
    expect(DEFAULT_HTTP_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000 });
    expect(DEFAULT_MAX_CONNECTIONS).toBe(2000);
    expect(MAX_BODY_BYTES).toBe(256 * 1024);
    expect(MAX_CLIENT_FRAME_BYTES).toBe(72 * 1024);
  });

  it('HTTP: 400 requests at once pass on one connection, and a sustained flood past 200/s gets 429', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const statuses: number[] = [];
    // Far faster than 200/s on loopback: the bucket's 400 go first, then refusals.
    while (statuses.length < 3000 && !statuses.includes(429)) statuses.push((await rawRequest(t.url, 'GET', '/api/clusters', { agent })).status);
    agent.destroy();
    const firstRefusal = statuses.indexOf(429);
    expect(firstRefusal).toBeGreaterThanOrEqual(400);
    expect(statuses.slice(0, 400).every((status) => status === 200)).toBe(true);
  });

  it('WebSocket: 40 commands at once are heard, the ones past the burst are rate-limited', async () => {
    const socket = new WebSocket(wsUrl(t));
    const results = new Map<number, string>();
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: number; result?: { code?: string } };
      if (frame.type === 'result') results.set(frame.id!, frame.result?.code ?? 'ok');
    });
    await opened(socket);
    for (let id = 1; id <= 60; id++) socket.send(JSON.stringify({ type: 'command', id, command: { type: 'hold', held: false } }));
    const deadline = new Promise<void>((resolve) => {
      const check = (): void => void (results.size === 60 ? resolve() : socket.once('message', check));
      check();
    });
    await deadline;
    socket.close();
    // A watcher's command is forbidden when heard, rate-limited when not.
    const codes = [...results.entries()].sort(([a], [b]) => a - b).map(([, code]) => code);
    expect(codes.slice(0, 40).every((code) => code === 'forbidden')).toBe(true);
    expect(codes.slice(45).every((code) => code === 'rate-limited')).toBe(true);
  });

  it('refuses headers past 16 KiB with 431, a body past 256 KiB with 413, a frame past 72 KiB with 1009', async () => {
    const socket = await rawSocket(t.url);
    const answer = readUntilClosed(socket);
    socket.write(`GET /api/clusters HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(17 * 1024)}\r\n\r\n`);
    expect((await answer).split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');

    const within = await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { ...JSON_TYPE, 'x-vault-token': t.token }, body: JSON.stringify({ type: 'hold', held: false, pad: 'x'.repeat(200 * 1024) }) });
    expect(within.status).toBe(200);
    const past = await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { ...JSON_TYPE, 'x-vault-token': t.token }, body: JSON.stringify({ type: 'hold', held: false, pad: 'x'.repeat(257 * 1024) }) });
    expect(past.status).toBe(413);

    const ws = new WebSocket(wsUrl(t));
    await opened(ws);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(73 * 1024));
    expect(await closed).toBe(1009);
  });
});

describe('the WebSocket connection cap and heartbeat', () => {
  it('takes 1,000 WebSocket connections and refuses the next with 503', async () => {
    const t = await startTestLab({ nodes: 1 });
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < 1000; i += 50) {
        const batch = Array.from({ length: 50 }, () => new WebSocket(wsUrl(t)));
        await Promise.all(batch.map(opened));
        sockets.push(...batch);
      }
      expect(t.lab.live.connections).toBe(1000);
      const extra = new WebSocket(wsUrl(t));
      expect(await new Promise<number>((resolve) => extra.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)))).toBe(503);
    } finally {
      for (const socket of sockets) socket.terminate();
      await t.dispose();
    }
  });

  it('drops a peer that misses a ping, and keeps one that answers', async () => {
    const t = await startTestLab({ nodes: 1, live: { heartbeatMs: 100 } });
    try {
      const silent = new WebSocket(wsUrl(t), { autoPong: false });
      const answering = new WebSocket(wsUrl(t));
      await Promise.all([opened(silent), opened(answering)]);
      let pings = 0;
      answering.on('ping', () => (pings += 1));
      // The server pings every 100 ms and terminates a peer that did not answer the last ping.
      expect(await new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)))).toBe(1006);
      // The answering peer was pinged before and after that, and is still open.
      await new Promise<void>((resolve) => {
        const check = (): void => void (pings >= 3 ? resolve() : answering.once('ping', check));
        check();
      });
      expect(answering.readyState).toBe(WebSocket.OPEN);
      answering.close();
    } finally {
      await t.dispose();
    }
  });
});

describe('the data directory and idle clusters', () => {
  it('keeps nodes, logs and keys across a server restart on the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'raftlab-restart-'));
    try {
      const options = { host: '127.0.0.1', port: 0, dataDir, nodes: 3, profile: 'production' as const, webRoot: join(dataDir, 'no-web'), token: 'restart-token-1' };
      const first = await startLabServer(options);
      const view = first.clusters.get('default')!.cluster;
      await new Promise<void>((resolve) => {
        const unsubscribe = view.events.subscribe(() => {
          if (!leaderIn(view.view)) return;
          unsubscribe();
          resolve();
        });
      });
      const put = await rawRequest(first.url, 'PUT', '/api/clusters/default/kv/survives', { headers: { ...JSON_TYPE, 'x-vault-token': 'restart-token-1' }, body: '{"value":"yes"}' });
      expect(put.status).toBe(200);
      const termBefore = Math.max(...view.view.nodes.map((node) => node.term));
      await first.close();

      const second = await startLabServer(options);
      try {
        const read = await rawRequest(second.url, 'GET', '/api/clusters/default/kv/survives?consistency=linearizable', { headers: { 'x-vault-token': 'restart-token-1' } });
        expect(read.json.result).toMatchObject({ value: 'yes', version: 1 });
        // Terms are durable: no node came back with a term below the one it had.
        expect(Math.max(...second.clusters.get('default')!.cluster.view.nodes.map((node) => node.term))).toBeGreaterThanOrEqual(termBefore);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reaps a created cluster nobody uses, and spares one a page watches', async () => {
    const t = await startTestLab({ nodes: 1, limits: { idleMs: 300 } });
    try {
      for (const name of ['watched', 'unwatched']) {
        expect((await rawRequest(t.url, 'POST', '/api/clusters', { headers: JSON_TYPE, body: JSON.stringify({ nodes: 1, name }) })).status).toBe(201);
      }
      const page = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/watched/live`);
      await opened(page);
      const removals: string[] = [];
      const previous = t.lab.clusters.onRemoved;
      t.lab.clusters.onRemoved = (session, why) => {
        previous(session, why);
        removals.push(session.name);
      };
      const reaped = async (name: string): Promise<void> => {
        while (!removals.includes(name)) await new Promise((resolve) => setTimeout(resolve, 50));
      };
      await reaped('unwatched');
      // A cluster made after that, idle too, is reaped in its turn: by then 'watched' has been idle
      // (but watched) longer than either, and sweeps have run past it.
      expect((await rawRequest(t.url, 'POST', '/api/clusters', { headers: JSON_TYPE, body: JSON.stringify({ nodes: 1, name: 'later' }) })).status).toBe(201);
      await reaped('later');
      expect(t.lab.clusters.get('watched')).toBeDefined();
      page.close();
    } finally {
      await t.dispose();
    }
  });
});
