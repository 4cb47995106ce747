// Page benchmark: starts the built server (npm run build first), opens the lab in headless Chromium
// with 7 nodes under continuous chaos at teaching speed, then in the production profile, and prints
// frames per second, event-to-screen latency (frame received → the next animation frame with it
// applied), events per second the page absorbed, first contentful paint, and the JavaScript shipped
// (gzipped). Prints numbers only; never passes or fails on a time.
//
//   npm run build && npx tsx bench/page.ts [--seconds 30] [--chromium /usr/bin/chromium]
//     [--profile-page DIR]   also write a CPU profile of the page's main thread per run (.cpuprofile)
//     [--profiles teaching,production]   which runs (both by default)
//     [--trace-page DIR]     also write a Chromium trace (devtools.timeline) per run, and print
//                            where the page's main thread spent its time by trace event
//                            (RAFTLAB_TRACE_INVALIDATIONS=1 adds invalidation tracking: what
//                            made style, layout and paint run again)

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import type { PerfSamples } from '../web/lib/perf-probe.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const seconds = Number(arg('seconds', '30'));
const executablePath = arg('chromium', process.env['RAFTLAB_CHROMIUM'] ?? '/usr/bin/chromium');
const TOKEN = 'bench-token-0123456789';
const profileDir = arg('profile-page', '');
const traceDir = arg('trace-page', '');

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function jsShipped(): { raw: number; gzip: number } {
  const dir = 'dist/web/assets';
  let raw = 0;
  let gzip = 0;
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.js'))) {
    const bytes = fs.readFileSync(path.join(dir, file));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

async function startServer(port: number, profile: string): Promise<ChildProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-page-bench-'));
  const server = spawn('node', ['dist/server/main.js', '--port', String(port), '--data-dir', dataDir, '--nodes', '7', '--profile', profile, '--token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/clusters`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not start');
}

async function command(port: number, body: Record<string, unknown>): Promise<void> {
  await fetch(`http://127.0.0.1:${port}/api/clusters/default/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vault-token': TOKEN },
    body: JSON.stringify(body),
  }).catch(() => undefined);
}

/** Chaos: kill/restart, cut/heal links, partitions, pauses, and a stream of writes. */
async function chaos(port: number, until: number): Promise<number> {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
  let actions = 0;
  let seed = 7;
  const pick = <T>(list: readonly T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;
  const writes = (async () => {
    let i = 0;
    while (performance.now() < until) {
      await command(port, { type: 'put', key: `k${i % 20}`, value: `v${i}` });
      i++;
    }
  })();
  while (performance.now() < until) {
    const node = pick(nodes);
    const other = pick(nodes.filter((id) => id !== node));
    const action = pick(['kill', 'restart-all', 'cut', 'heal', 'split', 'pause', 'transfer']);
    if (action === 'kill') await command(port, { type: 'kill', node });
    if (action === 'restart-all') await command(port, { type: 'restart-all' });
    if (action === 'cut') await command(port, { type: 'cut-link', from: node, to: other, direction: 'both' });
    if (action === 'heal') await command(port, { type: 'heal-network' });
    if (action === 'split') await command(port, { type: 'split' });
    if (action === 'pause') {
      await command(port, { type: 'pause-node', node });
      setTimeout(() => void command(port, { type: 'resume-node', node }), 1500);
    }
    if (action === 'transfer') await command(port, { type: 'transfer-leadership', to: node });
    actions++;
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  await command(port, { type: 'heal-network' });
  await command(port, { type: 'restart-all' });
  await writes;
  return actions;
}

interface PageNumbers {
  fps: number;
  slowFrames: number;
  latencyP50: number;
  latencyP95: number;
  eventsPerSecond: number;
  firstContentfulPaint: number;
  /** Summaries taken while aggregating, and each one's script and drawing (p50, p95 ms). */
  summaries: number;
  summaryScript: [number, number];
  summaryRender: [number, number];
}

async function measure(page: Page, port: number, runSeconds: number): Promise<PageNumbers & { actions: number }> {
  await page.evaluate(() => {
    const perf = (globalThis as unknown as { __raftlabPerf: PerfSamples }).__raftlabPerf;
    perf.latencies.length = 0;
    perf.frames.length = 0;
    perf.summaryScript.length = 0;
    perf.summaryRender.length = 0;
    perf.events = 0;
  });
  const started = performance.now();
  const actions = await chaos(port, started + runSeconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const samples = await page.evaluate(() => {
    const perf = (globalThis as unknown as { __raftlabPerf: PerfSamples }).__raftlabPerf;
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { latencies: [...perf.latencies], frames: [...perf.frames], events: perf.events, summaryScript: [...perf.summaryScript], summaryRender: [...perf.summaryRender], fcp: paint ? paint.startTime : Number.NaN };
  });
  const frameTime = samples.frames.reduce((sum, ms) => sum + ms, 0) / Math.max(1, samples.frames.length);
  return {
    actions,
    fps: 1000 / frameTime,
    slowFrames: samples.frames.filter((ms) => ms > 33).length / Math.max(1, samples.frames.length),
    latencyP50: percentile(samples.latencies, 50),
    latencyP95: percentile(samples.latencies, 95),
    eventsPerSecond: samples.events / elapsed,
    firstContentfulPaint: samples.fcp,
    summaries: samples.summaryScript.length,
    summaryScript: [percentile(samples.summaryScript, 50), percentile(samples.summaryScript, 95)],
    summaryRender: [percentile(samples.summaryRender, 50), percentile(samples.summaryRender, 95)],
  };
}

async function run(profile: 'teaching' | 'production', port: number, runSeconds: number): Promise<void> {
  const server = await startServer(port, profile);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const opened = performance.now();
    await page.goto(`http://127.0.0.1:${port}/#token=${TOKEN}`);
    await page.getByRole('status', { name: 'Cluster status' }).filter({ hasText: /Leader|No leader/ }).waitFor();
    const ready = performance.now() - opened;
    const cdp = profileDir ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const tracePath = traceDir ? path.join(traceDir, `page-${profile}.trace.json`) : '';
    if (tracePath) {
      fs.mkdirSync(traceDir, { recursive: true });
      await browser.startTracing(page, { path: tracePath, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', ...(process.env['RAFTLAB_TRACE_INVALIDATIONS'] ? ['disabled-by-default-devtools.timeline.invalidationTracking'] : [])] });
    }
    const numbers = await measure(page, port, runSeconds);
    if (tracePath) {
      await browser.stopTracing();
      printTraceSummary(tracePath);
    }
    if (cdp) {
      const { profile: cpu } = await cdp.send('Profiler.stop');
      fs.mkdirSync(profileDir, { recursive: true });
      fs.writeFileSync(path.join(profileDir, `page-${profile}.cpuprofile`), JSON.stringify(cpu));
    }
    const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
    console.log(`${profile}, 7 nodes, ${runSeconds} s of chaos (${numbers.actions} fault actions + a stream of writes):`);
    console.log(`  fps                         ${fmt(numbers.fps)} (frames over 33 ms: ${fmt(numbers.slowFrames * 100)}%)`);
    console.log(`  event-to-screen latency     p50 ${fmt(numbers.latencyP50)} ms, p95 ${fmt(numbers.latencyP95)} ms`);
    console.log(`  events absorbed             ${fmt(numbers.eventsPerSecond, 0)} /s`);
    if (numbers.summaries > 0) {
      console.log(`  summaries (aggregating)     ${numbers.summaries}: script p50 ${fmt(numbers.summaryScript[0])} ms, p95 ${fmt(numbers.summaryScript[1])} ms; drawing p50 ${fmt(numbers.summaryRender[0])} ms, p95 ${fmt(numbers.summaryRender[1])} ms`);
    }
    console.log(`  first contentful paint      ${fmt(numbers.firstContentfulPaint, 0)} ms (page connected and showing the cluster after ${fmt(ready, 0)} ms)`);
  } finally {
    await browser.close();
    server.kill();
  }
}

/** Where the renderer's main thread went: total ms per trace event name (a nested event counts in
 *  its parent's total too), and how many tasks ran over 33 ms. */
function printTraceSummary(file: string): void {
  const { traceEvents } = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }[] };
  const main = traceEvents.find((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain');
  if (!main) return;
  const totals = new Map<string, number>();
  let longTasks = 0;
  for (const event of traceEvents) {
    if (event.pid !== main.pid || event.tid !== main.tid || event.ph !== 'X' || event.dur === undefined) continue;
    totals.set(event.name, (totals.get(event.name) ?? 0) + event.dur / 1000);
    if (event.name === 'RunTask' && event.dur > 33_000) longTasks++;
  }
  console.log(`  trace (${file}): main-thread tasks over 33 ms: ${longTasks}; total ms by event (nested events counted in their parents too):`);
  for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`    ${ms.toFixed(0).padStart(7)}  ${name}`);
}

const shipped = jsShipped();
console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} (the server, its 7 node workers and Chromium share these cores)`);
console.log(`JavaScript shipped: ${(shipped.gzip / 1024).toFixed(1)} KB gzipped (${(shipped.raw / 1024).toFixed(1)} KB raw)`);
const runs = arg('profiles', 'teaching,production').split(',');
if (runs.includes('teaching')) await run('teaching', 8291, seconds);
if (runs.includes('production')) await run('production', 8292, Math.max(10, Math.round(seconds / 2)));
