// Foreign (Maelstrom-process) nodes on the lab's bus: how many messages a second the bus carries
// between two processes, the time one hop takes, and a client write's latency with our core in
// worker threads against the same core as Maelstrom processes. Prints numbers, asserts nothing.
//   npx tsx bench/foreign.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Cluster } from '../server/cluster/cluster.ts';
import { leaderOf } from '../server/testing/temp-cluster.ts';
import { parseImplementation } from '../server/foreign/implementations.ts';
import { until } from '../server/foreign/grader/battery.ts';
import { pingPongProgram } from '../server/foreign/ping-pong-program.ts';

async function withCluster<T>(options: { implementation?: string; source?: string; nodes: number }, body: (cluster: Cluster) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'raftlab-bench-foreign-'));
  let command = options.implementation;
  if (options.source) {
    writeFileSync(join(dir, 'node.mjs'), options.source);
    command = join(dir, 'node.mjs');
  }
  const cluster = new Cluster({ name: 'bench', nodes: options.nodes, profile: 'production', dataDir: dir, ...(command ? { implementation: parseImplementation(`bench=${command}`) } : {}) });
  cluster.start();
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function messagesPerSecond(window: number, seconds: number): Promise<{ perSecond: number; hopMs: number }> {
  return withCluster({ source: pingPongProgram(window), nodes: 2 }, async (cluster) => {
    await until(cluster, (view) => view.nodes.length === 2 && view.nodes.every((node) => node.life === 'alive'), 30_000);
    await new Promise((done) => setTimeout(done, 1000));
    const before = cluster.bus.counters.delivered;
    const started = performance.now();
    await new Promise((done) => setTimeout(done, seconds * 1000));
    const delivered = cluster.bus.counters.delivered - before;
    const elapsed = (performance.now() - started) / 1000;
    const perSecond = delivered / elapsed;
    // With `window` messages always in flight, each hop takes window / throughput.
    return { perSecond, hopMs: (window / perSecond) * 1000 };
  });
}

async function writeLatency(implementation: string | undefined, writes: number): Promise<number> {
  return withCluster({ nodes: 3, ...(implementation ? { implementation } : {}) }, async (cluster) => {
    await until(cluster, (view) => view.nodes.every((node) => node.life === 'alive') && leaderOf(view), 60_000);
    const times: number[] = [];
    for (let i = 0; i < writes; i++) {
      const started = performance.now();
      const result = await cluster.execute({ type: 'put', key: `k${i % 10}`, value: `v${i}` });
      if (result.ok) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? NaN;
  });
}

const flood = await messagesPerSecond(256, 5);
const single = await messagesPerSecond(1, 5);
const workers = await writeLatency(undefined, 300);
const processes = await writeLatency(resolve('examples/raftlab-core-node.ts'), 300);
console.log(`bus, two processes, 256 in flight: ${Math.round(flood.perSecond)} messages/s delivered`);
console.log(`one hop, process → bus → process, 1 in flight: ${single.hopMs.toFixed(2)} ms (${Math.round(single.perSecond)} messages/s)`);
console.log(`client write, 3 nodes, median of 300 sequential: worker threads ${workers.toFixed(2)} ms, Maelstrom processes ${processes.toFixed(2)} ms (+${(processes - workers).toFixed(2)} ms)`);
