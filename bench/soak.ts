// `npm run soak -- --minutes M [--nodes N]`: a long run on real nodes (worker threads, real WAL
// files with fdatasync) under a steady write load, with the chaos autopilot on (kills, restarts,
// partitions, cuts, network settings) and, beside it, disks that fail like disks and power cuts:
// a node's disk slow or full for a while, a node's power cut and restored, now and then the whole
// cluster's. At the end every fault is healed, every acknowledged write is read back, and it prints:
// acknowledged writes lost (must be 0), safety violations, linearizability, memory growth of the
// process that holds every node, and the periods the liveness row called the cluster stuck.
// The client history streams to a file as it happens and is checked for linearizability (WGL, per
// key) at the end, after the last memory sample: the harness holds no history in memory, so the
// memory measured is the lab's (and the acknowledged-writes map the read-back needs). Memory is sampled every 10 s; growth is from the end of warm-up
// (a third of the run, at most 5 minutes: the bounded logs and caches fill up first) to the end.
// Prints numbers only; never passes or fails on a time.
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkLinearizability, type Op } from '../shared/check/index.ts';
import { historyOf } from '../shared/protocol/client-history.ts';
import { createPrng, randomInt } from '../shared/net/index.ts';
import type { ClusterCommand } from '../shared/protocol/commands.ts';
import { formedLeader, startTempCluster } from '../server/testing/temp-cluster.ts';
import { startWriteLoad } from '../server/testing/write-load.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '1' }, nodes: { type: 'string', default: '5' }, seed: { type: 'string', default: '1' } } });
const minutes = Number(values.minutes);
const nodes = Number(values.nodes);
if (!(minutes > 0) || !Number.isInteger(nodes) || nodes < 3 || nodes > 9) {
  console.error('usage: npm run soak -- --minutes M [--nodes 3..9] [--seed S]');
  process.exit(2);
}
const random = createPrng(Number(values.seed));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const lab = startTempCluster({ nodes });
const { cluster } = lab;
const stuck: { from: number; to: number | null; why: string }[] = [];
const historyDir = mkdtempSync(join(tmpdir(), 'raftlab-soak-history-'));
const historyFile = join(historyDir, 'ops.jsonl');
const history = createWriteStream(historyFile);
cluster.events.subscribe((event) => {
  // Every operation ends with its client-op event, which carries what the checker needs.
  if (event.type === 'client-op') for (const op of historyOf([event])) history.write(`${JSON.stringify(op)}\n`);
  if (event.type !== 'liveness') return;
  const open = stuck[stuck.length - 1];
  if (event.liveness.state === 'stuck' && (!open || open.to !== null)) stuck.push({ from: event.time, to: null, why: event.liveness.explanation });
  if (event.liveness.state !== 'stuck' && open && open.to === null) open.to = event.time;
});

await lab.until('a formed cluster', formedLeader, 60_000);
// Writers back off 20 ms after a write that did not succeed, as a client would: a disk that is full
// or a cluster without quorum refuses at once, and a tight loop would only fill the history.
// Each writer goes round 2,000 keys of its own. The store takes at most 100,000 keys (a soak that
// filled it would spend the rest of its time on refused writes), and keeps 10 versions of each
// (as Vault KV v2 does): what it holds grows until every key has been written 10 times. With
// 2,000 keys a writer that is a few minutes, inside the warm-up, so the growth measured after it
// is the lab's, not the store filling up (with 20,000 keys it took the whole 30 minutes).
const WRITERS = 3;
const load = startWriteLoad(cluster, WRITERS, { pauseAfterFailureMs: 20, keysPerWriter: 2_000 });
await cluster.execute({ type: 'chaos', running: true });
const faultsDone: Record<string, number> = {};
const run = async (command: ClusterCommand): Promise<void> => {
  const result = await cluster.execute(command);
  if (result.ok) faultsDone[command.type] = (faultsDone[command.type] ?? 0) + 1;
};

const rss: { at: number; bytes: number }[] = [];
const startedAt = performance.now();
const endAt = startedAt + minutes * 60_000;
let nextSample = startedAt;
while (performance.now() < endAt) {
  if (performance.now() >= nextSample) {
    rss.push({ at: performance.now() - startedAt, bytes: process.memoryUsage().rss });
    nextSample += 10_000;
  }
  const ids = cluster.nodeIds();
  const node = ids[randomInt(random, 0, ids.length - 1)]!;
  const roll = random();
  if (roll < 0.3) {
    await run({ type: 'disk-fault', node, fault: 'slow', p50Ms: 5, p99Ms: 80 });
    await sleep(2_000);
    await run({ type: 'disk-fault', node, fault: 'none' });
  } else if (roll < 0.5) {
    await run({ type: 'disk-fault', node, fault: 'full' });
    await sleep(1_500);
    await run({ type: 'disk-fault', node, fault: 'none' });
  } else if (roll < 0.8) {
    await run({ type: 'power-cut', node, at: random() < 0.5 ? 'next-sync' : 'now' });
    await sleep(1_000);
    await run({ type: 'restart', node });
  } else if (roll < 0.85) {
    await run({ type: 'power-loss' });
    await sleep(500);
    await run({ type: 'restart-all' });
  }
  await sleep(1_000);
}

await cluster.execute({ type: 'chaos', running: false });
const writes = await load.stop();
for (const id of cluster.nodeIds()) await cluster.execute({ type: 'disk-fault', node: id, fault: 'none' });
await cluster.execute({ type: 'heal-network' });
await cluster.execute({ type: 'network', settings: { latency: 0, jitter: 0, loss: 0, duplicate: 0, reorder: 0 } });
await cluster.execute({ type: 'restart-all' });
await lab.until('every node back and caught up', formedLeader, 120_000);
// Read back 32 at a time: tens of thousands of writes one by one would take longer than the soak.
let lost = 0;
const acknowledged = [...writes.acknowledged];
for (let at = 0; at < acknowledged.length; at += 32) {
  const reads = await Promise.all(acknowledged.slice(at, at + 32).map(async ([key, value]) => {
    const read = await cluster.execute({ type: 'get', key, consistency: 'linearizable' });
    // The last acknowledged value, or a later write of that key whose outcome was unknown.
    const found = read.ok ? read.result?.['value'] : undefined;
    return found === value || (writes.maybe.get(key) ?? []).includes(String(found));
  }));
  lost += reads.filter((ok) => !ok).length;
}
const now = cluster.view.clock.now;
const stuckMs = stuck.reduce((sum, period) => sum + ((period.to ?? now) - period.from), 0);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const warmUpMs = Math.min(5 * 60_000, (minutes * 60_000) / 3);
const warm = (rss.find((sample) => sample.at >= warmUpMs) ?? rss[rss.length - 1])?.bytes ?? 0;
const last = rss[rss.length - 1]?.bytes ?? 0;
const peak = Math.max(...rss.map((sample) => sample.bytes));
// A few points of the curve, to show whether it levels off.
const marks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((fraction) => rss[Math.min(rss.length - 1, Math.round(fraction * (rss.length - 1)))]!);
await new Promise((resolve) => history.end(resolve));
const ops = readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Op);
rmSync(historyDir, { recursive: true, force: true });
const verdict = checkLinearizability(ops);

console.log(`soak: ${minutes} min, ${nodes} nodes (production profile), chaos autopilot on, seed ${values.seed}`);
console.log(`faults beside chaos: ${Object.entries(faultsDone).map(([type, count]) => `${type} ${count}`).join(', ') || 'none'}`);
console.log(`writes: ${writes.acknowledgedWrites} acknowledged (${writes.acknowledged.size} keys, each read back), ${writes.uncertain} unknown, ${writes.failed} failed`);
console.log(`acknowledged writes lost: ${lost}`);
// The page's view lists at most 2,000 keys of a node after its store is replaced: ask the store.
const listed = await Promise.all(Array.from({ length: WRITERS }, (_, writer) => cluster.execute({ type: 'list-keys', prefix: `w${writer}/`, consistency: 'linearizable' })));
const storedKeys = listed.reduce((sum, answer) => sum + (answer.ok ? ((answer.result as { keys?: readonly string[] } | undefined)?.keys?.length ?? 0) : Number.NaN), 0);
console.log(`store at the end: ${storedKeys} keys (a linearizable list on the leader; 10 versions kept a key)`);
console.log(`safety violations: ${cluster.checker.violations.length}${cluster.checker.violations[0] ? ` (first: ${cluster.checker.violations[0].explanation})` : ''}`);
// "0 violations" says something only for the stretch the checker ran: say whether that was all of it.
const checked = cluster.checker.progress;
console.log(`live checker: ${cluster.checker.running ? 'ran to the end' : 'STOPPED at its bound before the end'}, ${checked.observed} observations, holding ${checked.indexes} indexes and ${checked.logEntries} log entries at the end (forgotten below index ${checked.prunedBelow})`);
console.log(`linearizability over ${ops.length} operations: ${verdict.verdict === 'undetermined' ? `undetermined (${verdict.reason})` : verdict.verdict}${verdict.verdict === 'violation' ? ` on key ${verdict.key}` : ''}`);
console.log(`memory (RSS of the process holding every node): after warm-up (${(warmUpMs / 60_000).toFixed(1)} min) ${mb(warm)} MB, at the end ${mb(last)} MB, peak ${mb(peak)} MB, growth ${warm > 0 ? (((last - warm) / warm) * 100).toFixed(1) : '–'} %`);
console.log(`memory over the run: ${marks.map((sample) => `${(sample.at / 60_000).toFixed(1)} min ${mb(sample.bytes)} MB`).join(', ')}`);
console.log(`stuck (liveness row): ${stuck.length} periods, ${(stuckMs / 1000).toFixed(1)} virtual s in all${stuck[0] ? `; the first: ${stuck[0].why}` : ''}`);
await lab.dispose();
