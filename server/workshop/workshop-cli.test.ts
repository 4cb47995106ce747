// `npm run workshop`: N servers and nginx on loopback from one command, and all of them gone after
// Ctrl-C (SIGTERM here). The routing itself is proxy.test.ts's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'raftlab-workshop-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** A port with the two after it free too (nginx on it, the servers on the next two). */
async function freeRun(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await isFree(base)) && (await isFree(base + 1)) && (await isFree(base + 2))) return base;
  }
}

describe('npm run workshop', () => {
  it('starts two servers and nginx, routes a cluster to one of them, and stops them all', async () => {
    const port = await freeRun();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/workshop/cli.ts', '--servers', '2', '--port', String(port), '--data-dir', dataDir, '--nodes', '1', '--token', 'workshop-token-1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = performance.now() + 90_000;
      while (!out.includes('instructor:') && child.exitCode === null && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(out).toContain(`workshop: 2 servers behind nginx at http://127.0.0.1:${port}/`);
      expect(out).toContain(`workshop: instructor: http://127.0.0.1:${port}/#token=workshop-token-1`);
      const made = await fetch(`http://127.0.0.1:${port}/api/clusters/room-1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: 1, profile: 'production' }) });
      expect(made.status).toBe(201);
      const home = made.headers.get('x-raftlab-server');
      expect(['s1', 's2']).toContain(home);
      const direct = await fetch(`http://127.0.0.1:${port + Number(home!.slice(1))}/api/clusters/room-1`);
      expect(direct.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Nothing is left listening: nginx and both servers stopped with it.
    for (const at of [port, port + 1, port + 2]) expect(await fetch(`http://127.0.0.1:${at}/`).then(() => 'answered', () => 'refused')).toBe('refused');
  }, 120_000);
});
