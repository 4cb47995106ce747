// What this machine allows, measured with the same load generator the side-by-side uses: servers
// that do nothing but the unavoidable parts of a replicated write, with no Raft at all. They say how
// much of raftlab's (and etcd's) latency is the harness, the disk and the thread hand-offs, and so
// which targets are physically reachable here. Prints numbers only; never passes or fails on a time.
//
//   npx tsx bench/floors.ts [--seconds 2]
//
// Each floor server (bench/floor-server.cjs) runs in its own process, as raftlab and etcd do, and
// answers `PUT` with a small JSON body:
//   echo         answers at once: HTTP parsing plus two loopback hops between processes
//   fsync        writes the body and fdatasyncs it before answering: one durable write
//   worker       one round trip to a worker thread: two thread hand-offs
//   replicated   raftlab's write path without Raft: main → "leader" worker, which sends the body to
//                two "follower" workers over MessageChannels and fdatasyncs its own file meanwhile;
//                each follower fdatasyncs and answers; the leader answers main once its own sync
//                and one follower's are done (2 of 3). Four hand-offs; three fdatasyncs at once.
// Then one hand-off alone: what a postMessage costs the thread that sends it, and the round trip,
// to a worker that has just run and to one that has slept 2 ms (as every thread on a 1-client
// write path has). The difference is the price of waking a sleeping thread on this machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { percentile, runLoad, value64 } from './load.ts';
import { freePort, sleep } from './systems.ts';

const at = process.argv.indexOf('--seconds');
const SECONDS = at >= 0 ? Number(process.argv[at + 1]) : 2;
const MODES = ['echo', 'fsync', 'worker', 'replicated'] as const;
const CONCURRENCY = [1, 16];

const SERVER = fileURLToPath(new URL('./floor-server.cjs', import.meta.url));

async function measureFloor(mode: (typeof MODES)[number]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'raftlab-floor-'));
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER, mode, String(port), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the ${mode} floor server exited (${code})`)));
    });
    await sleep(200);
    const cells: string[] = [];
    for (const concurrency of CONCURRENCY) {
      const result = await runLoad({
        port,
        concurrency,
        durationMs: SECONDS * 1000,
        warmupMs: 300,
        request: (client, n) => ({ method: 'PUT', path: `/floor/${client}-${n % 64}`, body: JSON.stringify({ value: value64(client, n) }) }),
      });
      if (result.errors > 0) throw new Error(`the ${mode} floor answered ${result.errors} requests with errors`);
      cells.push(`${Math.round(result.rate).toLocaleString('en-US')}/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
    }
    return cells;
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sender's cost of one postMessage and the echo's round trip, p50 and p90 over `rounds` posts. */
async function measureHandOff(sleptMs: number, rounds = 600): Promise<string> {
  const echo = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));", { eval: true });
  try {
    const reply = (): Promise<unknown> => new Promise((resolve) => echo.once('message', resolve));
    echo.postMessage(-1);
    await reply();
    const costs: number[] = [];
    const trips: number[] = [];
    for (let i = 0; i < rounds; i++) {
      if (sleptMs > 0) await sleep(sleptMs);
      const answered = reply();
      const start = performance.now();
      echo.postMessage(i);
      costs.push(performance.now() - start);
      await answered;
      trips.push(performance.now() - start);
    }
    costs.sort((a, b) => a - b);
    trips.sort((a, b) => a - b);
    const at = (sorted: number[], p: number): string => `${Math.round(percentile(sorted, p) * 1000)} µs`;
    return `post ${at(costs, 50)} (p90 ${at(costs, 90)}), round trip ${at(trips, 50)} (p90 ${at(trips, 90)})`;
  } finally {
    await echo.terminate();
  }
}

const rows: string[] = [];
for (const mode of MODES) {
  const [one, sixteen] = await measureFloor(mode);
  rows.push(`${mode.padEnd(11)} 1 client: ${one}   16 clients: ${sixteen}`);
}
console.log(`${SECONDS} s per point, same load generator as the side-by-side (bench/load.ts), 64-byte values, writes go to ${tmpdir()}`);
for (const row of rows) console.log(row);
console.log(`hand-off    to a worker that just ran: ${await measureHandOff(0)}`);
console.log(`hand-off    to a worker that slept 2 ms: ${await measureHandOff(2)}`);
