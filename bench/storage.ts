// Storage benchmark: how many group-committed batches per second this machine's disk sustains
// (one fdatasync each), and the persist latency for Ready batches of 1, 8 and 64 entries of
// 100 bytes. Prints numbers only; never passes or fails on a time.
//
//   npx tsx bench/storage.ts [--seconds 2] [--dir /path/on/the/disk/to/test]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entry } from '../shared/raft/types.ts';
import { NodeStorage } from '../server/cluster/storage/index.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const seconds = Number(arg('seconds', '2'));
const parent = arg('dir', os.tmpdir());
const PAYLOAD = 'x'.repeat(100);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function run(batchSize: number): void {
  const root = fs.mkdtempSync(path.join(parent, 'raftlab-bench-'));
  const { storage } = NodeStorage.open(path.join(root, 'n1'));
  try {
    let next = 1;
    const batch = (): Entry[] => {
      const out: Entry[] = [];
      for (let k = 0; k < batchSize; k++, next++) out.push({ index: next, term: 1, type: 'normal', data: PAYLOAD });
      return out;
    };
    // Warm up: create the first segment and settle the page cache.
    for (let i = 0; i < 20; i++) storage.persist({ entries: batch(), hardState: { term: 1, vote: 'n1', commit: next - 1 } });

    const total: number[] = [];
    const fsync: number[] = [];
    let bytes = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      // Like a real Ready: the entries plus the commit index that advanced with them.
      const s = storage.persist({ entries: batch(), hardState: { term: 1, vote: 'n1', commit: next - 1 } });
      total.push(s.totalMs);
      fsync.push(s.fsyncMs);
      bytes += s.bytes;
    }
    const elapsed = (performance.now() - t0) / 1000;
    total.sort((a, b) => a - b);
    fsync.sort((a, b) => a - b);
    const batches = total.length;
    const fmt = (n: number, d = 2) => n.toFixed(d).padStart(9);
    console.log(
      `${String(batchSize).padStart(5)} | ${fmt(batches / elapsed, 0)} | ${fmt((batches * batchSize) / elapsed, 0)} | ` +
        `${fmt(bytes / elapsed / 1e6)} | ${fmt(percentile(total, 50), 3)} | ${fmt(percentile(total, 99), 3)} | ` +
        `${fmt(percentile(fsync, 50), 3)} | ${fmt(percentile(fsync, 99), 3)} | ${storage.describe().segments.length}`,
    );
  } finally {
    storage.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

console.log(`raftlab storage benchmark: ${os.cpus()[0]?.model ?? 'cpu?'}, node ${process.version}, dir ${parent}, ${seconds}s per size`);
console.log('entries/batch of 100 B; every batch = one WAL write + one fdatasync (+ commit record)');
console.log('batch | batches/s | entries/s |  WAL MB/s | p50 total | p99 total | p50 fsync | p99 fsync | segments');
console.log('      |  (fsyncs) |           |           |   ms      |   ms      |   ms      |   ms      |');
for (const size of [1, 8, 64]) run(size);
