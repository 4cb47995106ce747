// Implementations are registered by the operator only: on the command line, listed over HTTP by
// name and kind, named (never given) by a request that makes a cluster of them. No process of
// theirs outlives a cluster's deletion or the server's stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, UsageError } from '../cli/args.ts';
import { startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { parseImplementation } from './implementations.ts';
import { processExists } from './process-probe.ts';

const STARTER = resolve('examples/maelstrom-starter.js');

describe('--implementation NAME=COMMAND', () => {
  it('is repeatable, splits the command without a shell and resolves a script to run under node', () => {
    const options = parseArgs(['--implementation', `starter=${STARTER}`, '--implementation=py=python3 raft.py --fast'], {});
    expect(options.implementations).toEqual([
      { name: 'starter', kind: 'process', command: STARTER, argv: [process.execPath, STARTER] },
      { name: 'py', kind: 'process', command: 'python3 raft.py --fast', argv: ['python3', 'raft.py', '--fast'] },
    ]);
  });

  it('stops the server at start on a bad name, a missing command or our own core\'s name', () => {
    expect(() => parseArgs(['--implementation', 'Bad Name=x'], {})).toThrow(UsageError);
    expect(() => parseArgs(['--implementation', 'x='], {})).toThrow(/the command is empty/);
    expect(() => parseArgs(['--implementation', 'x'], {})).toThrow(/NAME=COMMAND/);
    expect(() => parseArgs(['--implementation', 'raftlab=node x.js'], {})).toThrow(/our own core/);
  });
});

describe('clusters of a registered implementation over HTTP', () => {
  let t: TestLab;
  beforeAll(async () => {
    t = await startTestLab({ nodes: 1, implementations: [parseImplementation(`starter=${STARTER}`)] });
  });
  afterAll(async () => {
    // The last test stops the server itself; a second close may refuse.
    await t?.dispose().catch(() => rmSync(t.dataDir, { recursive: true, force: true }));
  });

  async function api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { 'x-vault-token': token } : {}) };
    const response = await fetch(`${t.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: await response.json() };
  }

  it('lists the implementations by name and kind, never their commands', async () => {
    const listed = await api('GET', '/api/implementations');
    expect(listed).toEqual({ status: 200, body: { ok: true, result: { implementations: [{ name: 'raftlab', kind: 'built-in' }, { name: 'starter', kind: 'process' }] } } });
    expect(JSON.stringify(listed.body)).not.toContain('maelstrom-starter');
    expect((await api('POST', '/api/implementations', { name: 'x', command: 'rm -rf /' })).status).toBe(400);
  });

  it('makes a cluster of one by name; an unknown name, or a command in the body, is a 400', async () => {
    expect(await api('POST', '/api/clusters', { nodes: 3, implementation: 'nope' })).toMatchObject({ status: 400, body: { code: 'bad-request', error: expect.stringMatching(/no implementation named "nope"/) } });
    expect(await api('POST', '/api/clusters', { nodes: 3, implementation: 'starter', command: 'touch /tmp/pwned' })).toMatchObject({ status: 400 });
    expect(await api('POST', '/api/clusters', { nodes: 3, implementation: 'python3 -c 1' })).toMatchObject({ status: 400 });
    const created = await api('POST', '/api/clusters', { nodes: 3, implementation: 'starter', name: 'mine' });
    expect(created).toMatchObject({ status: 201, body: { result: { name: 'mine', nodes: 3, implementation: 'starter' } } });
    await t.until('mine', 'three starters alive', (view) => view.nodes.length === 3 && view.nodes.every((node) => node.life === 'alive'));
    const listed = await api('GET', '/api/clusters');
    expect(listed.body.result.clusters.find((c: { name: string }) => c.name === 'mine')).toMatchObject({ implementation: 'starter' });
    expect(listed.body.result.clusters.find((c: { name: string }) => c.name === 'default')).toMatchObject({ implementation: 'raftlab' });
  });

  it('a deleted cluster leaves no process of its nodes; a stopped server neither', async () => {
    const created = await api('POST', '/api/clusters', { nodes: 2, implementation: 'starter', name: 'gone' });
    const pids = await processesOf(t, 'gone', 2);
    expect(pids.every(processExists)).toBe(true);
    expect((await api('DELETE', '/api/clusters/gone', undefined, created.body.result.token)).status).toBe(200);
    expect(pids.filter(processExists)).toEqual([]);

    await api('POST', '/api/clusters', { nodes: 2, implementation: 'starter', name: 'left' });
    const left = await processesOf(t, 'left', 2);
    expect(left.every(processExists)).toBe(true);
    await t.lab.close();
    expect(left.filter(processExists)).toEqual([]);
  });
});

/** The pids of a cluster's node processes: children of this server whose cwd is a node's directory. */
async function processesOf(t: TestLab, cluster: string, count: number): Promise<number[]> {
  const dirs = Array.from({ length: count }, (_, i) => join(t.dataDir, cluster, `n${i + 1}`));
  for (let attempt = 0; attempt < 500; attempt++) {
    const pids = childPids(process.pid).filter((pid) => dirs.includes(cwdOf(pid) ?? ''));
    if (pids.length === count) return pids;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`the ${count} processes of ${cluster} did not start`);
}

function childPids(parent: number): number[] {
  const path = `/proc/${parent}/task/${parent}/children`;
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

function cwdOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((entry) => entry.startsWith('RAFTLAB_DATA_DIR='))?.slice('RAFTLAB_DATA_DIR='.length) ?? null;
  } catch {
    return null;
  }
}

