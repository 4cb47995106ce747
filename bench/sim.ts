// npx tsx bench/sim.ts [--seeds N] [--workers W] [--ticks T] [--checker-only]
// Prints simulator throughput (5 nodes, 2,000 ticks, faults on; seeds split across W processes
// running the sim CLI) and the linearizability checker's time on a 10,000-operation history of
// 8 clients, and on histories of timed-out writes (states explored and ms; the budget's cost when
// a search cannot finish). Prints numbers; never passes or fails on a time.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { checkLinearizability, DEFAULT_MAX_STATES, randomHistory, timedOutWritesHistory, type KvOpOutput, type LinearizabilityResult, type Op } from '../shared/check/index.ts';
import { createPrng } from '../shared/net/index.ts';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const SEEDS = option('seeds', 1000);
const TICKS = option('ticks', 2000);
const WORKERS = Math.min(option('workers', Math.min(2, os.cpus().length)), SEEDS);

interface CliSummary {
  seeds: number;
  violations: number;
  firstFailingSeed: number | null;
  elapsedMs: number;
  cpuMs: number;
}

function runShard(firstSeed: number, seeds: number): Promise<CliSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'shared/sim/cli.ts', '--seeds', String(seeds), '--seed', String(firstSeed), '--nodes', '5', '--ticks', String(TICKS)], {
      cwd: new URL('..', import.meta.url),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as CliSummary);
      } catch {
        reject(new Error(`sim CLI gave no summary line:\n${out}`));
      }
    });
  });
}

async function simThroughput(): Promise<void> {
  const started = performance.now();
  const cpuBefore = os.cpus().reduce((sum, c) => sum + c.times.user + c.times.sys, 0);
  const per = Math.ceil(SEEDS / WORKERS);
  const shards = Array.from({ length: WORKERS }, (_, i) => runShard(1 + i * per, Math.min(per, SEEDS - i * per))).filter(Boolean);
  const results = await Promise.all(shards);
  const elapsed = performance.now() - started;
  const cpuAll = os.cpus().reduce((sum, c) => sum + c.times.user + c.times.sys, 0) - cpuBefore;
  const seeds = results.reduce((n, r) => n + r.seeds, 0);
  const violations = results.reduce((n, r) => n + r.violations, 0);
  const firstFailing = results.map((r) => r.firstFailingSeed).filter((s): s is number => s !== null);
  console.log(`simulator: ${seeds} seeds × ${TICKS} ticks, 5 nodes, faults on, ${WORKERS} processes`);
  console.log(`  wall ${(elapsed / 1000).toFixed(1)} s = ${(seeds / (elapsed / 1000)).toFixed(1)} seeds/s (target: 1,000 seeds < 60 s)`);
  console.log(`  per process: ${results.map((r) => `${r.seeds} seeds in ${(r.elapsedMs / 1000).toFixed(1)} s wall, ${(r.cpuMs / 1000).toFixed(1)} s CPU`).join(', ')}`);
  const cpuPerSeed = results.reduce((n, r) => n + r.cpuMs, 0) / Math.max(seeds, 1);
  console.log(`  CPU per seed ${cpuPerSeed.toFixed(0)} ms → 1,000 seeds on ${WORKERS} idle cores ≈ ${((cpuPerSeed * 1000) / WORKERS / 1000).toFixed(0)} s`);
  console.log(`  machine CPU busy during the run (all users): ${((cpuAll / (elapsed * os.cpus().length)) * 100).toFixed(0)} % of ${os.cpus().length} cores`);
  console.log(`  violations: ${violations}${firstFailing.length > 0 ? ` (first failing seed ${Math.min(...firstFailing)})` : ''}`);
}

function checkerSpeed(): void {
  for (const [operations, keys] of [[10_000, 1], [10_000, 4], [100_000, 16]] as const) {
    const history = randomHistory(createPrng(2026), { operations, clients: 8, keys });
    checkLinearizability(history.slice(0, 500)); // warm up the JIT
    const started = performance.now();
    const result = checkLinearizability(history);
    const elapsed = performance.now() - started;
    console.log(`linearizability: ${operations.toLocaleString('en')} ops, 8 clients, ${keys} key${keys > 1 ? 's' : ''}: ${elapsed.toFixed(0)} ms (${result.verdict}, ${result.statesExplored} states; target < 2 s)`);
  }
  const bad = randomHistory(createPrng(7), { operations: 10_000, clients: 8, keys: 4 });
  const victim = bad.findIndex((o, i) => i > 9000 && o.output?.op === 'get' && o.output.version > 1);
  const read = bad[victim]!;
  if (read.output?.op === 'get') bad[victim] = { ...read, output: { ...read.output, version: read.output.version - 1, value: 'stale', deleted: false } };
  const started = performance.now();
  const result = checkLinearizability(bad);
  const elapsed = performance.now() - started;
  console.log(`linearizability: 10,000 ops with one stale read near the end: ${elapsed.toFixed(0)} ms to find and shrink it to ${result.verdict === 'violation' ? `${result.minimalBadHistory.length} ops` : `(missed: ${result.verdict})`}`);
}

/** Histories of writes that timed out (open forever), which once made the search exponential. */
function unknownOutcomes(): void {
  const run = (label: string, history: readonly Op[], maxStates?: number): void => {
    const started = performance.now();
    const result: LinearizabilityResult = checkLinearizability(history, maxStates === undefined ? {} : { maxStates });
    const elapsed = performance.now() - started;
    console.log(`linearizability: ${label}: ${result.verdict}, ${result.statesExplored} states, ${elapsed.toFixed(1)} ms`);
  };
  checkLinearizability(timedOutWritesHistory(createPrng(9), { writes: 200, clients: 4 })); // warm up the JIT
  for (const [writes, clients] of [[40, 4], [400, 8], [2000, 16]] as const) {
    const history = timedOutWritesHistory(createPrng(1), { writes, clients });
    run(`${writes} timed-out writes on one key, ${clients} clients, reads between (no budget)`, history, Infinity);
    run(`  the same with a stale read near the end (no budget)`, withStaleRead(history), Infinity);
  }
  // A search that cannot finish: what the default budget costs the thread that runs it.
  const hard = randomHistory(createPrng(4), { operations: 3000, clients: 4, keys: 1, timeoutRate: 0.3 });
  const index = hard.findIndex((op, i) => i > 2000 && op.output?.op === 'put' && op.output.ok);
  const put = hard[index]!;
  if (put.output?.op === 'put' && put.output.ok) hard[index] = { ...put, output: { ...put.output, version: put.output.version + 2 } };
  run(`3,000 ops on one key, 30% timed out, one put's version off near the end (default budget ${DEFAULT_MAX_STATES})`, hard);
}

function withStaleRead(history: readonly Op[]): Op[] {
  const versionOf = (op: Op) => (op.output as Extract<KvOpOutput, { op: 'get' }>).version;
  const reads = history.filter((op) => op.output?.op === 'get' && op.output.version > 0);
  const late = reads[Math.floor(reads.length * 0.95)]!;
  const older = reads.find((op) => versionOf(op) < versionOf(late) - 1 && op.return! < late.call - 30)!;
  return history.map((op) => (op === late ? { ...late, output: older.output! } : op));
}

checkerSpeed();
unknownOutcomes();
if (!argv.includes('--checker-only')) await simThroughput();
