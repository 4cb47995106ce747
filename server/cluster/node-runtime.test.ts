// The node runtime on the real disk on its own (no worker thread): a one-node cluster on a real
// directory, driven the way node-worker.ts drives it, to see what happens between the host loop and
// background work (encoding in time slices, the file written on libuv's pool).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCommand } from '../../shared/kv/commands.ts';
import { NodeRuntime } from '../../shared/node/node-runtime.ts';
import { WalDisk, timeSlicedEncoder } from './storage/wal-disk.ts';
import { makeTempRoot } from './storage/test-helpers.ts';
import type { ClientOutcome, FromWorker, ReadyReport } from './worker-protocol.ts';

const roots: ReturnType<typeof makeTempRoot>[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) root.cleanup();
});

function oneNode(snapshotThreshold: number) {
  const root = makeTempRoot();
  roots.push(root);
  const dir = root.nodeDir();
  const reports: FromWorker[] = [];
  const calls = { background: 0, wake: 0, fatal: [] as unknown[] };
  const runtime = new NodeRuntime(
    { id: 'n1', timing: { electionTicks: 10, heartbeatTicks: 2 }, initialConfig: { voters: ['n1'], learners: [], votersOutgoing: [] }, seed: 1, switches: {}, snapshotThreshold, snapshotTrailing: 10 },
    {
      disk: new WalDisk(dir),
      encoder: timeSlicedEncoder,
      report: (report) => void reports.push(report),
      now: () => performance.now(),
      hooks: { background: () => void calls.background++, wake: () => void calls.wake++, fatal: (error) => void calls.fatal.push(error) },
    },
  );
  runtime.tick(25);
  runtime.flush();
  let requestId = 0;
  const outcomes = new Map<number, ClientOutcome>();
  const collect = () => {
    for (const report of reports.splice(0)) if (report.type === 'ready') for (const o of report.outcomes) outcomes.set(o.requestId, o.outcome);
  };
  /** Proposes `count` puts in one turn and runs the host loop; returns their request ids. */
  const write = (count: number): number[] => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(++requestId);
      runtime.client({ kind: 'propose', requestId, command: encodeCommand({ op: 'put', key: `k/${requestId % 300}`, data: { value: 'x'.repeat(200) }, time: requestId }) });
    }
    runtime.flush();
    collect();
    return ids;
  };
  const snapshotFiles = () => fs.readdirSync(dir).filter((n) => n.startsWith('snap-'));
  /** The indexes of the snapshot files on disk. */
  const snapshotIndexes = () => snapshotFiles().map((n) => Number(/^snap-(\d{16})-/.exec(n)![1]));
  const localSnapshots = (list: FromWorker[]) => list.flatMap((r) => (r.type === 'ready' ? (r as ReadyReport).snapshots : []));
  /** Runs the background work to its end, hands it to the core and waits until its file is durable
   *  (the runtime wakes the host loop then). */
  const finishCompaction = async (): Promise<void> => {
    while (runtime.backgroundWork());
    runtime.flush();
    const wakes = calls.wake;
    await expect.poll(() => calls.wake, { timeout: 5000 }).toBeGreaterThan(wakes);
  };
  return { finishCompaction, runtime, reports, calls, outcomes, write, snapshotIndexes, localSnapshots, collect };
}

describe('NodeRuntime compaction', () => {
  it('encodes a suggested snapshot in background slices while it goes on committing, then writes it off the thread', async () => {
    const node = oneNode(1000);
    node.write(1000);
    // The core suggests a snapshot: the runtime asks for background work instead of encoding now.
    expect(node.calls.background).toBe(1);
    expect(node.snapshotIndexes()).toEqual([]);

    // Writes go on committing and answering between slices of the encoding.
      let more = true;
    const during: number[] = [];
    while (more) {
      more = node.runtime.backgroundWork();
      if (more) during.push(...node.write(5));
    }
    expect(during.length).toBeGreaterThan(0);
    for (const id of during) expect(node.outcomes.get(id)).toMatchObject({ ok: true });
    expect(node.calls.wake).toBe(1);

    // The encoding is handed to the core at the index it was captured at (the 1,000 writes and the
    // election's own entries), not at what was applied since; the file follows.
    const before = node.reports.length;
    node.runtime.flush();
    const reported = node.localSnapshots(node.reports.slice(before));
    expect(reported).toEqual([{ index: expect.any(Number), term: expect.any(Number), source: 'local' }]);
    const index = reported[0]!.index;
    expect(index).toBeGreaterThanOrEqual(1000);
    expect(index).toBeLessThan(1000 + during.length);
    // The checker is told, so it compacts its copy of the log too (invariants-memory.test.ts).
    const observed = node.reports.slice(before).flatMap((report) => ('observations' in report ? report.observations : []));
    expect(observed).toContainEqual({ kind: 'snapshot', node: 'n1', index, term: reported[0]!.term });
    const wakes = node.calls.wake;
    await expect.poll(() => node.calls.wake, { timeout: 5000 }).toBeGreaterThan(wakes);
    expect(node.snapshotIndexes()).toEqual([index]);
    expect(node.calls.fatal).toEqual([]);
  });

  it('starts no second compaction while one is under way, and the next one after it is durable', async () => {
    const node = oneNode(200);
    node.write(200);
    expect(node.calls.background).toBe(1);
    node.write(300); // past the threshold again, while the first one is still encoding
    expect(node.calls.background).toBe(1);
    await node.finishCompaction();
    expect(node.snapshotIndexes()).toHaveLength(1);
    const first = node.snapshotIndexes()[0]!;
    expect(first).toBeLessThan(300);
    node.runtime.flush();
    expect(node.calls.background).toBe(2);
    await node.finishCompaction();
    expect(node.snapshotIndexes()).toHaveLength(1);
    expect(node.snapshotIndexes()[0]).toBeGreaterThan(first + 200);
    expect(node.calls.fatal).toEqual([]);
  });
});
