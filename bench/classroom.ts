// Classroom benchmark (issue 18): how many idle 5-node student forks one server holds while using
// under half of the machine's CPU, the instructor's page fps with them running, and what two
// servers behind nginx hold. A fork is made as the page makes one (PUT /api/clusters/{name} with
// forkedFrom), nobody watching it: a student who forked and is reading. Prints numbers only.
//
//   npm run build && npx tsx bench/classroom.ts [--step 4] [--settle 8] [--window 10] [--max 40]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { cpuWindow } from './cpu.ts';
import { freePort, sleep, startRaftlab, TOKEN, type RaftlabServer } from './systems.ts';
import { findNginx, startNginx } from '../server/workshop/nginx.ts';

const { values } = parseArgs({
  options: {
    step: { type: 'string', default: '4' },
    settle: { type: 'string', default: '8' },
    window: { type: 'string', default: '10' },
    max: { type: 'string', default: '40' },
    chromium: { type: 'string', default: process.env['RAFTLAB_CHROMIUM'] ?? '/usr/bin/chromium' },
  },
});
const STEP = Number(values.step);
const SETTLE_S = Number(values.settle);
const WINDOW_S = Number(values.window);
const MAX_FORKS = Number(values.max);
const CORES = os.cpus().length;
const BUDGET = CORES / 2;

/** A built server whose default cluster is the instructor's (5 nodes, teaching), with room for a class. */
function startServer(): Promise<RaftlabServer> {
  return startRaftlab('dist/server', 5, {}, ['--profile', 'teaching', '--max-clusters', '200', '--max-nodes', '1000', '--idle-minutes', '600']);
}

/** A student's fork of the default cluster, made at `base` (a server or nginx). */
async function fork(base: string, name: string): Promise<void> {
  const response = await fetch(`${base}/api/clusters/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nodes: 5, profile: 'teaching', forkedFrom: 'default' }),
  });
  if (!response.ok) throw new Error(`fork ${name}: ${response.status} ${await response.text()}`);
}

function cores(servers: readonly RaftlabServer[], seconds: number): Promise<number[]> {
  const windows = servers.map((server) => cpuWindow(server.pid));
  return sleep(seconds * 1000).then(() => windows.map((end) => end().total));
}

async function pageFps(port: number, seconds: number): Promise<{ fps: number; slow: number }> {
  const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?cluster=default#token=${TOKEN}`);
    await page.getByRole('status', { name: 'Cluster status' }).filter({ hasText: /Leader/ }).waitFor({ timeout: 60_000 });
    await page.evaluate(() => void ((globalThis as unknown as { __raftlabPerf: { frames: number[] } }).__raftlabPerf.frames.length = 0));
    // The instructor's cluster does something meanwhile: a write a second and a kill and restart.
    const write = (i: number) => fetch(`http://127.0.0.1:${port}/api/clusters/default/commands`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vault-token': TOKEN }, body: JSON.stringify({ type: 'put', key: `lesson/${i % 10}`, value: String(i) }) });
    for (let i = 0; i < seconds; i++) {
      await write(i);
      await sleep(1000);
    }
    const frames = await page.evaluate(() => [...(globalThis as unknown as { __raftlabPerf: { frames: number[] } }).__raftlabPerf.frames]);
    const mean = frames.reduce((sum, ms) => sum + ms, 0) / Math.max(1, frames.length);
    return { fps: 1000 / mean, slow: frames.filter((ms) => ms > 33).length / Math.max(1, frames.length) };
  } finally {
    await browser.close();
  }
}

const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
console.log(`machine: ${CORES} cores; budget: half of them (${BUDGET} cores) for the server, the rest for everything else`);

// ── One server ────────────────────────────────────────────────────────────────────────────────
{
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  await sleep(SETTLE_S * 1000);
  let forks = 0;
  let held = 0;
  let [cpu] = await cores([server], WINDOW_S);
  console.log(`one server, the instructor's 5-node cluster only: ${cpu!.toFixed(2)} cores (${pct(cpu! / CORES)} of the machine)`);
  while (forks < MAX_FORKS) {
    for (let i = 0; i < STEP; i++) await fork(base, `student-${String(++forks).padStart(2, '0')}`);
    await sleep(SETTLE_S * 1000);
    [cpu] = await cores([server], WINDOW_S);
    console.log(`  ${String(forks).padStart(3)} idle forks (${(forks + 1) * 5} nodes): ${cpu!.toFixed(2)} cores (${pct(cpu! / CORES)} of the machine), RSS ${(server.rss() / 2 ** 20).toFixed(0)} MB`);
    if (cpu! > BUDGET) break;
    held = forks;
  }
  console.log(`one server holds ${held} idle 5-node forks under half of the CPU${held === MAX_FORKS ? ` (the most tried, --max ${MAX_FORKS}: CPU is not what limits it; memory, ${(server.rss() / 2 ** 20 / ((forks + 1) * 5)).toFixed(1)} MB a node, and the caps --max-clusters / --max-nodes are)` : ''}`);
  const fps = await pageFps(server.port, 15);
  console.log(`the instructor's page with ${forks} forks running: ${fps.fps.toFixed(1)} fps, ${pct(fps.slow)} of frames over 33 ms`);
  await server.stop();
}

// ── Two servers behind nginx ──────────────────────────────────────────────────────────────────
const nginx = findNginx();
if (!nginx) {
  console.log('two servers behind nginx: skipped, nginx is not installed');
} else {
  const servers = [await startServer(), await startServer()];
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-classroom-nginx-'));
  const listen = `127.0.0.1:${await freePort()}`;
  const proxy = await startNginx(nginx, prefix, listen, servers.map((server) => ({ host: '127.0.0.1', port: server.port })));
  try {
    const total = 2 * STEP * 2;
    for (let i = 1; i <= total; i++) await fork(`http://${listen}`, `class-${String(i).padStart(2, '0')}`);
    await sleep(SETTLE_S * 1000);
    const counts = await Promise.all(servers.map(async (server) => ((await (await fetch(`http://127.0.0.1:${server.port}/api/clusters`)).json()) as { result: { clusters: unknown[] } }).result.clusters.length - 1));
    const cpu = await cores(servers, WINDOW_S);
    console.log(`two servers behind nginx, ${total} forks made through it: ${counts.map((count, i) => `s${i + 1} holds ${count} (${cpu[i]!.toFixed(2)} cores)`).join(', ')}`);
    console.log(`  (on one machine the two share its ${CORES} cores; on two machines each has its own, so N servers hold about N times one server's number)`);
  } finally {
    await proxy.stop();
    for (const server of servers) await server.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}
