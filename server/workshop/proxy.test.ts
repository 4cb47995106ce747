// A workshop past one machine: two raftlab servers behind a real nginx (Debian's, installed by
// .ci/run) with the repo's config (deploy/nginx/raftlab.conf.template). Clusters created at names
// spread over both servers; everything of one cluster (REST, Vault API, WebSocket) reaches the
// server that holds it; a fork made through the proxy lands where its own name hashes and keeps its
// source's settings; a server stopped takes only its own clusters, never re-routed to the other.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsCommands } from '../../shared/protocol/fork-settings.ts';
import { startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { INSTALL_HINT, findNginx, startNginx, type RunningNginx } from './nginx.ts';

const execFileAsync = promisify(execFile);
const NAMES = Array.from({ length: 20 }, (_, i) => `class-${i}`);
const servers: Record<string, TestLab> = {};
let nginx: RunningNginx;
let proxy = '';
let prefix = '';
const tokens = new Map<string, string>();
const homes = new Map<string, string>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; server: string | null; body: any }> {
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { 'x-vault-token': token } : {}) };
  const response = await fetch(`${proxy}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* nginx's own error pages are HTML */
  }
  return { status: response.status, server: response.headers.get('x-raftlab-server'), body: parsed };
}

beforeAll(async () => {
  const binary = findNginx();
  if (!binary) throw new Error(`${INSTALL_HINT} (this test runs a real nginx)`);
  // Each server knows the other (--peer), for the class view across both.
  const ports = { s1: await freePort(), s2: await freePort() };
  for (const [id, port] of Object.entries(ports)) {
    const peers = Object.entries(ports).filter(([other]) => other !== id).map(([, at]) => `http://127.0.0.1:${at}`);
    servers[id] = await startTestLab({ port, nodes: 1, serverId: id, peers, limits: { maxClusters: 40, maxNodes: 80 } });
  }
  prefix = mkdtempSync(join(tmpdir(), 'raftlab-nginx-'));
  const port = await freePort();
  proxy = `http://127.0.0.1:${port}`;
  nginx = await startNginx(binary, prefix, `127.0.0.1:${port}`, Object.values(servers).map((lab) => ({ host: '127.0.0.1', port: Number(new URL(lab.url).port) })));
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  for (const lab of Object.values(servers)) await lab.dispose().catch(() => {});
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

describe('several servers behind nginx', () => {
  it('twenty clusters created at their names spread over both servers, each held by the one that answered', async () => {
    for (const name of NAMES) {
      const created = await call('PUT', `/api/clusters/${name}`, { nodes: 1, profile: 'production' });
      expect(created).toMatchObject({ status: 201, body: { ok: true, result: { name } } });
      expect(['s1', 's2']).toContain(created.server);
      tokens.set(name, created.body.result.token);
      homes.set(name, created.server!);
      expect(servers[created.server!]!.lab.clusters.get(name)).toBeDefined();
      expect(servers[created.server === 's1' ? 's2' : 's1']!.lab.clusters.get(name)).toBeUndefined();
    }
    const counts = [...homes.values()].reduce<Record<string, number>>((sum, id) => ({ ...sum, [id]: (sum[id] ?? 0) + 1 }), {});
    expect(Object.keys(counts).sort()).toEqual(['s1', 's2']);
    // A taken name is 409, from the server that holds it.
    expect(await call('PUT', `/api/clusters/${NAMES[0]}`, { nodes: 1 })).toMatchObject({ status: 409, server: homes.get(NAMES[0]!), body: { code: 'conflict' } });
  }, 120_000);

  it("one cluster's REST, Vault API and WebSocket always reach the server that holds it", async () => {
    for (const name of NAMES.slice(0, 6)) {
      const home = homes.get(name);
      const token = tokens.get(name)!;
      expect((await call('GET', `/api/clusters/${name}`)).server).toBe(home);
      expect((await call('POST', `/api/clusters/${name}/commands`, { type: 'clock', speed: 1 }, token))).toMatchObject({ status: 200, server: home });
      expect((await call('GET', `/c/${name}/v1/sys/seal-status`)).server).toBe(home);
      expect((await call('GET', `/c/${name}/v1/secret/data/nothing`, undefined, token)).server).toBe(home);
      const socket = new WebSocket(`${proxy.replace('http', 'ws')}/api/clusters/${name}/live?token=${encodeURIComponent(token)}`);
      const upgraded = new Promise<string | undefined>((resolve, reject) => {
        socket.once('upgrade', (response) => resolve(response.headers['x-raftlab-server'] as string | undefined));
        socket.once('error', reject);
      });
      const welcome = new Promise<any>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
      expect(await upgraded).toBe(home);
      expect(await welcome).toMatchObject({ type: 'welcome', control: true, view: { name } });
      socket.close();
    }
  }, 60_000);

  it("a fork made through the proxy lands where its name hashes, with its source's settings", async () => {
    const source = NAMES[1]!;
    expect((await call('POST', `/api/clusters/${source}/commands`, { type: 'switches', preVote: false, bugs: { commitByCounting: true } }, tokens.get(source)))).toMatchObject({ status: 200 });
    const view = (await call('GET', `/api/clusters/${source}`)).body.result.cluster;
    // The fork's name is chosen first; try names until one lands on the server the source is not on.
    const other = homes.get(source) === 's1' ? 's2' : 's1';
    let fork: { name: string; server: string | null } | null = null;
    for (let i = 0; i < 40 && fork?.server !== other; i++) {
      const name = `${source}-fork-${i}`;
      const made = await call('PUT', `/api/clusters/${name}`, { nodes: 1, profile: view.profile, forkedFrom: source, settings: settingsCommands(view) });
      expect(made).toMatchObject({ status: 201, body: { result: { name, forkedFrom: source, skippedSettings: 0 } } });
      fork = { name, server: made.server };
    }
    expect(fork?.server).toBe(other);
    const forked = servers[other]!.lab.clusters.get(fork!.name)!;
    expect(forked.forkedFrom).toBe(source);
    expect(forked.cluster.view.switches).toMatchObject({ preVote: false, bugs: { commitByCounting: true } });
    // The command line forks the same way, through the proxy: the fork is where its name hashes.
    // (Asynchronously: the servers answering it run in this process.)
    const cli = await execFileAsync(process.execPath, ['--import', 'tsx', 'server/cli/lab.ts', '--url', proxy, '--cluster', source, 'fork'], { encoding: 'utf8' });
    const cliFork = /^cluster (\S+) \(1 nodes, production\)$/m.exec(cli.stdout)?.[1];
    expect(cliFork).toMatch(new RegExp(`^${source}-[0-9a-z]{6}$`));
    const cliHome = (await call('GET', `/api/clusters/${cliFork}`)).server!;
    expect(servers[cliHome]!.lab.clusters.get(cliFork!)?.cluster.view.switches).toMatchObject({ preVote: false });
    // Settings are only settings: a command that acts on nodes is refused with the body.
    expect(await call('PUT', '/api/clusters/not-a-setting', { nodes: 1, settings: [{ type: 'kill', node: 'n1' }] })).toMatchObject({ status: 400 });
  }, 60_000);

  it("the class view lists every cluster of both servers, for the instructor's token only", async () => {
    const token = servers['s1']!.token;
    const view = await call('GET', '/api/class', undefined, token);
    expect(view.status).toBe(200);
    const servedBy = new Map<string, string>();
    for (const part of view.body.result.servers) {
      expect(part).toMatchObject({ reachable: true });
      for (const row of part.clusters) servedBy.set(row.name, row.server);
    }
    for (const name of NAMES) expect(servedBy.get(name)).toBe(homes.get(name));
    const row = view.body.result.servers.flatMap((part: any) => part.clusters).find((candidate: any) => candidate.name === NAMES[2]);
    expect(row).toMatchObject({ nodes: 1, up: 1, leader: 'n1', violations: 0, forkedFrom: null, implementation: 'raftlab' });
    expect((await call('GET', '/api/class')).status).toBe(403);
    expect((await call('GET', '/api/class', undefined, tokens.get(NAMES[0]!))).status).toBe(403); // a student's token is no instructor's
  }, 30_000);

  it('a server stopped takes only its own clusters: the others answer, its own are 502, never re-routed', async () => {
    await servers['s2']!.lab.close();
    for (const name of NAMES) {
      const answer = await call('GET', `/api/clusters/${name}`);
      if (homes.get(name) === 's1') expect(answer).toMatchObject({ status: 200, server: 's1' });
      else expect(answer.status).toBe(502);
    }
    expect(servers['s1']!.lab.clusters.all().some((session) => homes.get(session.name) === 's2')).toBe(false);
    // What belongs to no cluster is served by the server still up, and the class view says which is not.
    const view = await call('GET', '/api/class', undefined, servers['s1']!.token);
    expect(view).toMatchObject({ status: 200, server: 's1' });
    expect(view.body.result.servers.find((part: any) => !part.reachable)).toMatchObject({ server: expect.stringContaining('127.0.0.1'), problem: 'not reachable', clusters: [] });
  }, 60_000);
});
