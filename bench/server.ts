// Server benchmark: (1) how many events per second one server streams to 20 pages watching one
// cluster under write load, and whether its memory grows while it does; (2) request latency of a
// Vault KV write and read through the HTTP API against the same operation called directly on the
// cluster. Prints numbers only; never passes or fails on a time.
//
//   npx tsx --expose-gc bench/server.ts [--seconds 10] [--pages 20] [--requests 500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startLabServer } from '../server/lab-server.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1] ?? fallback) : fallback;
}
const seconds = arg('seconds', 10);
const pages = arg('pages', 20);
const requests = arg('requests', 500);

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (value: number): string => `${value.toFixed(2)} ms`;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { heap: number; rss: number } {
  gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

const dataDir = mkdtempSync(join(tmpdir(), 'raftlab-bench-server-'));
const unlimited = { perSecond: 1e9, burst: 1e9 };
const lab = await startLabServer({ host: '127.0.0.1', port: 0, dataDir, nodes: 3, profile: 'production', webRoot: join(dataDir, 'none'), token: 'bench-token', httpRate: unlimited, live: { commands: unlimited } });
const cluster = lab.clusters.get('default')!.cluster;
await new Promise<void>((resolve) => {
  const check = (): void => void (cluster.leader() && (unsubscribe(), resolve()));
  const unsubscribe = cluster.events.subscribe(check);
  check();
});

// ── 1. Streaming to pages ────────────────────────────────────────────────────────────────────
const received = new Array<number>(pages).fill(0);
const sockets = await Promise.all(
  Array.from({ length: pages }, (_, page) => {
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/clusters/default/live`);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; events?: unknown[] };
      if (frame.type === 'events') received[page]! += frame.events!.length;
    });
    return new Promise<WebSocket>((resolve) => socket.once('open', () => resolve(socket)));
  }),
);
let writing = true;
const writers = Array.from({ length: 4 }, async (_, writer) => {
  let i = 0;
  while (writing) await cluster.client.write({ op: 'put', key: `bench/${writer}`, value: String(i++) }).catch(() => undefined);
});
const samples: Array<{ heap: number; rss: number }> = [];
const eventsBefore = cluster.events.total;
const started = performance.now();
for (let second = 0; second < seconds; second++) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  samples.push(memory());
}
const elapsed = (performance.now() - started) / 1000;
writing = false;
await Promise.all(writers);
const emitted = cluster.events.total - eventsBefore;
const perPage = received.reduce((sum, count) => sum + count, 0) / pages;
const half = Math.floor(samples.length / 2);
const heapFirst = samples.slice(0, half).reduce((sum, s) => sum + s.heap, 0) / Math.max(1, half);
const heapSecond = samples.slice(half).reduce((sum, s) => sum + s.heap, 0) / Math.max(1, samples.length - half);
console.log(`streaming: ${pages} pages on one 3-node cluster at production speed, 4 writers, ${elapsed.toFixed(1)} s`);
console.log(`  cluster emitted      ${(emitted / elapsed).toFixed(0)} events/s`);
console.log(`  each page received   ${(perPage / elapsed).toFixed(0)} events/s (all pages: ${((perPage * pages) / elapsed).toFixed(0)} events/s, ${lab.live.stats.framesSent} frames, ${lab.live.stats.resyncs} coalesced resyncs)`);
console.log(`  heap                 ${mib(heapFirst)} (first half avg) → ${mib(heapSecond)} (second half avg)${gc ? '' : '  [run with --expose-gc for steadier numbers]'}; rss at end ${mib(samples.at(-1)!.rss)}`);
for (const socket of sockets) socket.close();

// ── 2. Latency: HTTP API vs a direct call ────────────────────────────────────────────────────
async function timed(count: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}
const headers = { 'x-vault-token': 'bench-token', 'content-type': 'application/json' };
await timed(50, (i) => fetch(`${lab.url}/c/default/v1/secret/data/warm`, { method: 'PUT', headers, body: JSON.stringify({ data: { i } }) }).then((r) => r.text()));
const rows: Array<[string, number[]]> = [
  ['write  direct  cluster.client.write', await timed(requests, (i) => cluster.client.write({ op: 'put', key: 'lat/direct', data: { i } }))],
  ['write  HTTP    PUT /c/default/v1/secret/data', await timed(requests, (i) => fetch(`${lab.url}/c/default/v1/secret/data/lat/http`, { method: 'PUT', headers, body: JSON.stringify({ data: { i } }) }).then((r) => r.text()))],
  ['read   direct  cluster.client.read (linearizable)', await timed(requests, () => cluster.client.read('lat/direct', 'linearizable'))],
  ['read   HTTP    GET  /c/default/v1/secret/data', await timed(requests, () => fetch(`${lab.url}/c/default/v1/secret/data/lat/http`, { headers }).then((r) => r.text()))],
  ['health HTTP    GET  /c/default/v1/sys/health', await timed(requests, () => fetch(`${lab.url}/c/default/v1/sys/health`).then((r) => r.text()))],
];
console.log(`latency: ${requests} sequential requests each (keep-alive), production profile, fsync'd`);
for (const [name, times] of rows) console.log(`  ${name.padEnd(50)} p50 ${ms(percentile(times, 50)).padStart(9)}  p99 ${ms(percentile(times, 99)).padStart(9)}`);

await lab.close();
rmSync(dataDir, { recursive: true, force: true });
