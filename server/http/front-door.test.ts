// The front door against a real server, as an attacker on loopback would try it (issue: "one hole
// deletes a whole cluster"): paths taken as sent, cross-site requests, DNS rebinding, one rate
// limit for every route and frame, the connection cap, the stated status codes, a quiet log.
import { existsSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { readUntilClosed, rawRequest, rawSocket } from './raw-http.ts';
import { requestLogStats } from './request-log.ts';
import { leaderIn, startTestLab, type TestLab } from './lab-test-server.ts';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('paths are read as sent: a dot segment, an empty segment or an encoded slash is a 400, never another route', () => {
  let t: TestLab;
  let victim: { name: string; token: string };
  beforeAll(async () => {
    t = await startTestLab({ nodes: 3 });
    const created = await rawRequest(t.url, 'POST', '/api/clusters', { headers: JSON_TYPE, body: JSON.stringify({ nodes: 3, profile: 'production', name: 'victim' }) });
    expect(created.status).toBe(201);
    victim = { name: 'victim', token: created.json.result.token };
    await t.until('victim', 'a leader', leaderIn);
  });
  afterAll(async () => t.dispose());

  const withToken = (): Record<string, string> => ({ ...JSON_TYPE, 'x-vault-token': victim.token });

  it('DELETE …/kv/%2e%2e does not delete the cluster', async () => {
    for (const path of ['/api/clusters/victim/kv/%2e%2e', '/api/clusters/victim/kv/..', '/api/clusters/victim/kv/.%2E', '/api/clusters/victim/kv/a/%2e%2e/..']) {
      const answer = await rawRequest(t.url, 'DELETE', path, { headers: withToken() });
      expect(answer.status, path).toBe(400);
      expect(answer.json.error, path).toMatch(/"\." or "\.\." segment/);
    }
    expect(t.lab.clusters.get('victim')).toBeDefined();
    expect(existsSync(join(t.dataDir, 'victim'))).toBe(true);
  });

  it('POST …/kv/%2e%2e/commands runs no command', async () => {
    const answer = await rawRequest(t.url, 'POST', '/api/clusters/victim/kv/%2e%2e/commands', { headers: withToken(), body: JSON.stringify({ type: 'clock', paused: true }) });
    expect(answer.status).toBe(400);
    expect(t.lab.clusters.get('victim')!.cluster.view.clock.paused).toBe(false);
  });

  it('writes nothing for a/../b, a//b, trail/, an encoded slash, on REST and on the Vault API', async () => {
    const body = JSON.stringify({ value: 'planted' });
    const rest = ['/api/clusters/victim/kv/a/../b', '/api/clusters/victim/kv/a//b', '/api/clusters/victim/kv/trail/', '/api/clusters/victim/kv/a%2Fb', '/api/clusters/victim/kv/a%5Cb', '//api/clusters/victim/kv/x'];
    for (const path of rest) expect((await rawRequest(t.url, 'PUT', path, { headers: withToken(), body })).status, path).toBe(400);
    const vaultBody = JSON.stringify({ data: { value: 'planted' } });
    const vault = ['/c/victim/v1/secret/data/a/../b', '/c/victim/v1/secret/data/a//b', '/c/victim/v1/secret/data/trail/', '/c/victim/v1/secret/data/a%2fb'];
    for (const path of vault) {
      const answer = await rawRequest(t.url, 'PUT', path, { headers: withToken(), body: vaultBody });
      expect(answer.status, path).toBe(400);
      expect(answer.json.errors, path).toHaveLength(1);
    }
    // A write that is allowed, after them all: once it has applied everywhere, none of the refused ones did.
    expect((await rawRequest(t.url, 'PUT', '/api/clusters/victim/kv/marker', { headers: withToken(), body })).status).toBe(200);
    const view = await t.until('victim', 'the marker on every node', (v) => (v.nodes.every((node) => node.kv['marker'] !== undefined) ? v : null));
    for (const node of view.nodes) expect(Object.keys(node.kv)).toEqual(['marker']);
  });

  it('refuses dot segments on the page, /metrics and the WebSocket path too', async () => {
    expect((await rawRequest(t.url, 'GET', '/assets/%2e%2e/%2e%2e/etc/passwd')).status).toBe(400);
    expect((await rawRequest(t.url, 'GET', '/api/clusters/victim/live/..')).status).toBe(400);
    expect((await rawRequest(t.url, 'GET', '/metrics/')).status).toBe(404);
    const upgrade = await rawRequest(t.url, 'GET', '/api/clusters/x/%2e%2e/victim/live', { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    expect(upgrade.status).toBe(400);
  });
});

describe('cross-site requests and DNS rebinding', () => {
  let t: TestLab;
  let port: string;
  beforeAll(async () => {
    t = await startTestLab({ nodes: 1, allowedHosts: ['lab.example'] });
    port = new URL(t.url).port;
  });
  afterAll(async () => t.dispose());

  const clusterCount = (): number => t.lab.clusters.all().length;

  it('refuses a state-changing request whose Origin is another site, and creates nothing', async () => {
    const before = clusterCount();
    for (const origin of ['http://evil.example', 'null', `ftp://127.0.0.1:${port}`, `http://127.0.0.1:${Number(port) + 1}`]) {
      const answer = await rawRequest(t.url, 'POST', '/api/clusters', { headers: { ...JSON_TYPE, origin }, body: JSON.stringify({ nodes: 1 }) });
      expect(answer.status, origin).toBe(403);
    }
    expect((await rawRequest(t.url, 'POST', '/c/default/v1/secret/data/k', { headers: { ...JSON_TYPE, origin: 'http://evil.example', 'x-vault-token': t.token }, body: '{"data":{}}' })).status).toBe(403);
    expect(clusterCount()).toBe(before);
    // The lab's own page (same origin) may.
    const own = await rawRequest(t.url, 'POST', '/api/clusters', { headers: { ...JSON_TYPE, origin: t.url }, body: JSON.stringify({ nodes: 1 }) });
    expect(own.status).toBe(201);
    expect(clusterCount()).toBe(before + 1);
  });

  it('refuses JSON bodies without a JSON content type (415): text/plain, form and multipart', async () => {
    const before = clusterCount();
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const answer = await rawRequest(t.url, 'POST', '/api/clusters', { headers: type ? { 'content-type': type } : {}, body: JSON.stringify({ nodes: 1 }) });
      expect(answer.status, String(type)).toBe(415);
      expect(answer.json.code).toBe('unsupported-media-type');
    }
    expect(clusterCount()).toBe(before);
    // A POST without a body needs no type (curl -X POST): it reads as {}.
    expect((await rawRequest(t.url, 'POST', '/api/clusters/default/nodes/n1/pause', { headers: { 'x-vault-token': t.token } })).status).toBe(200);
    expect((await rawRequest(t.url, 'POST', '/api/clusters/default/nodes/n1/resume', { headers: { 'x-vault-token': t.token } })).status).toBe(200);
  });

  it('answers only to its own names: loopback, IP addresses and --allowed-host', async () => {
    expect((await rawRequest(t.url, 'GET', '/api/clusters', { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect((await rawRequest(t.url, 'GET', '/metrics', { headers: { host: 'rebind.evil.example' } })).status).toBe(403);
    expect((await rawRequest(t.url, 'GET', '/v1/sys/health', { headers: { host: `evil.example:${port}` } })).json.errors[0]).toMatch(/--allowed-host/);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `lab.example:${port}`, `LAB.example`, `[::1]:${port}`, 'app.localhost']) {
      expect((await rawRequest(t.url, 'GET', '/api/clusters', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses a WebSocket from another scheme or a rebound name, and serves its own page', async () => {
    const open = (headers: Record<string, string>): Promise<string> =>
      new Promise((resolve) => {
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/default/live`, { headers });
        socket.once('message', () => {
          resolve('welcome');
          socket.close();
        });
        socket.once('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
        socket.once('error', () => resolve('error'));
      });
    expect(await open({ origin: `ftp://127.0.0.1:${port}` })).toBe('403');
    expect(await open({ origin: `http://evil.example:${port}`, host: `evil.example:${port}` })).toBe('403');
    expect(await open({ origin: 'null' })).toBe('403');
    expect(await open({ origin: `http://127.0.0.1:${port}` })).toBe('welcome');
  });

  it('answers Vault LIST only for its own names', async () => {
    const list = async (host: string): Promise<string> => {
      const socket = await rawSocket(t.url);
      const answer = readUntilClosed(socket);
      socket.write(`LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: ${host}\r\nX-Vault-Token: ${t.token}\r\n\r\n`);
      return (await answer).split('\r\n')[0] ?? '';
    };
    expect(await list(`evil.example:${port}`)).toMatch(/^HTTP\/1\.1 400/);
    expect(await list(`127.0.0.1:${port}`)).toMatch(/^HTTP\/1\.1 (200|404)/);
  });
});

describe('one rate limit for every route and frame; a cap on connections', () => {
  let t: TestLab;
  beforeAll(async () => {
    t = await startTestLab({ nodes: 1, httpRate: { perSecond: 0.001, burst: 3 }, live: { commands: { perSecond: 0.001, burst: 3 } }, maxConnections: 4 });
  });
  afterAll(async () => t.dispose());

  it('limits /metrics, the scenario list, the page and the API alike on one connection', async () => {
    for (const path of ['/metrics', '/api/scenarios', '/', '/api/clusters', '/v1/sys/health']) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await rawRequest(t.url, 'GET', path, { agent })).status);
      agent.destroy();
      expect(statuses.slice(0, 3), path).not.toContain(429);
      expect(statuses.slice(3), path).toEqual([429, 429]);
    }
  });

  it('answers junk WebSocket frames only within the limit', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/clusters/default/live`);
    const frames: Array<{ type: string; result?: { code?: string } }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as never));
    await new Promise((resolve) => socket.once('open', resolve));
    for (let i = 0; i < 50; i++) socket.send(`junk ${i}`);
    socket.send(JSON.stringify({ type: 'command', id: 7, command: { type: 'clock', paused: true } }));
    // The server answers frames in order; its pong comes after everything it said about them.
    await new Promise<void>((resolve) => {
      socket.once('pong', () => resolve());
      socket.ping();
    });
    await vi.waitFor(() => expect(frames.some((frame) => frame.type === 'result')).toBe(true));
    socket.close();
    const errors = frames.filter((frame) => frame.type === 'error');
    expect(errors).toHaveLength(3);
    // A command past the limit still hears why, so the page is not left waiting.
    expect(frames.find((frame) => frame.type === 'result')?.result?.code).toBe('rate-limited');
  });

  it('closes connections past --max-connections', async () => {
    const held = await Promise.all([rawSocket(t.url), rawSocket(t.url), rawSocket(t.url), rawSocket(t.url)]);
    const extra = await rawSocket(t.url);
    extra.write('GET /api/clusters HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await readUntilClosed(extra)).toBe('');
    for (const socket of held) socket.destroy();
  });
});

describe('answers as the README states them', () => {
  let t: TestLab;
  beforeAll(async () => {
    t = await startTestLab({ nodes: 1, limits: { maxClusters: 1 }, timeouts: { headersMs: 500 } });
  });
  afterAll(async () => t.dispose());

  it('a tour on a full server is 503 unavailable', async () => {
    const answer = await rawRequest(t.url, 'POST', '/api/scenarios/leader-election');
    expect(answer.status).toBe(503);
    expect(answer.json.code).toBe('unavailable');
  });

  it('a sender that never finishes its headers gets 408 after the header timeout', async () => {
    const socket = await rawSocket(t.url);
    const answer = readUntilClosed(socket);
    socket.write('GET /api/clusters HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect((await answer).split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('form and multipart bodies carrying JSON are 415 on every REST route', async () => {
    const headers = { 'x-vault-token': t.token };
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x']) {
      expect((await rawRequest(t.url, 'PUT', '/api/clusters/default/kv/k', { headers: { ...headers, 'content-type': type }, body: '{"value":"v"}' })).status).toBe(415);
      expect((await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { ...headers, 'content-type': type }, body: '{"type":"heal"}' })).status).toBe(415);
    }
  });

  it('bodies past the limit are 413', async () => {
    const answer = await rawRequest(t.url, 'POST', '/api/clusters/default/commands', { headers: { ...JSON_TYPE, 'x-vault-token': t.token }, body: 'x'.repeat(300 * 1024) });
    expect(answer.status).toBe(413);
  });
});

describe('the log: client aborts are one line, never a stack', () => {
  let t: TestLab;
  beforeAll(async () => {
    t = await startTestLab({ nodes: 1 });
  });
  afterAll(async () => t.dispose());

  it('20 clients that close mid-body leave at most one line and no stack trace', async () => {
    const error = vi.spyOn(console, 'error');
    const warn = vi.spyOn(console, 'warn');
    try {
      const before = requestLogStats.clientAborts;
      for (let i = 0; i < 20; i++) {
        const socket = await rawSocket(t.url);
        // "100 Continue" says the server has the request and waits for its body: then 2 of 10 bytes, and gone.
        const continued = new Promise((resolve) => socket.once('data', resolve));
        socket.write(`PUT /api/clusters/default/kv/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Vault-Token: ${t.token}\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n`);
        await continued;
        socket.end('{"');
        socket.destroy();
      }
      await vi.waitFor(() => expect(requestLogStats.clientAborts - before).toBe(20), { timeout: 10_000 });
      const lines = [...error.mock.calls, ...warn.mock.calls].map((call) => call.map((part) => (part instanceof Error ? part.stack : String(part))).join(' '));
      expect(lines.filter((line) => /\n\s+at /.test(line))).toEqual([]);
      expect(lines.length).toBeLessThanOrEqual(1);
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
  });
});
