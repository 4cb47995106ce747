import { describe, expect, it } from 'vitest';
import { KvStore } from '../kv/store.ts';
import { encodeSnapshot } from '../kv/snapshot.ts';
import { encodeCommand } from '../kv/index.ts';
import type { Entry, Snapshot } from '../raft/types.ts';
import { MemoryDisk, pieceEncoder, SIM_SNAPSHOT_PIECES_PER_STEP } from './memory-disk.ts';
import { DiskCrash } from './disk.ts';

const entry = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: `e${index}t${term}` });
const snapshot = (index: number, term: number): Snapshot => ({ metadata: { index, term, config: { voters: ['n1'], learners: [], votersOutgoing: [] } }, data: `s${index}` }) as Snapshot;

describe('MemoryDisk: the simulator disk keeps what the real WAL keeps', () => {
  it('replaces a conflicting suffix and reopens with what was persisted', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)], hardState: { term: 1, vote: 'n1', commit: 1 } });
    disk.persist({ entries: [entry(2, 2)], hardState: { term: 2, vote: 'n2', commit: 1 } });
    const { restored, tornTail } = disk.open();
    expect(restored.entries.map((e) => `${e.index}@${e.term}`)).toEqual(['1@1', '2@2']);
    expect(restored.hardState).toEqual({ term: 2, vote: 'n2', commit: 1 });
    expect(tornTail).toBeNull();
  });

  it('syncs entries and term or vote changes, not a commit-only write, and a power cut loses only that', () => {
    const disk = new MemoryDisk();
    expect(disk.persist({ entries: [entry(1, 1)], hardState: { term: 1, vote: 'n1', commit: 0 } }).synced).toBe(true);
    expect(disk.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 1 } }).synced).toBe(false);
    expect(disk.open().restored.hardState.commit).toBe(1); // a kill keeps it (the page cache survives)
    disk.loseUnsynced();
    expect(disk.open().restored.hardState).toEqual({ term: 1, vote: 'n1', commit: 0 });
    expect(disk.open().restored.entries).toHaveLength(1);
  });

  it('keeps the log after an installed snapshot only when it holds the snapshot entry with its term', () => {
    const matching = new MemoryDisk();
    matching.persist({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)] });
    matching.persist({ entries: [], snapshot: snapshot(2, 1) });
    expect(matching.open().restored.entries.map((e) => e.index)).toEqual([3]);
    const diverged = new MemoryDisk();
    diverged.persist({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)] });
    diverged.persist({ entries: [], snapshot: snapshot(2, 2) });
    expect(diverged.open().restored.entries).toEqual([]);
    expect(diverged.open().restored.snapshot?.metadata.index).toBe(2);
  });

  it('makes a background compaction durable only when the host finishes it; a crash before loses it', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)] });
    let done = 0;
    disk.compactInBackground(snapshot(2, 1), null, () => void (done += 1));
    expect(disk.open().restored.snapshot).toBeUndefined();
    disk.crash();
    expect(disk.finishBackground()).toBe(false);
    expect(done).toBe(0);
    expect(disk.open().restored.entries).toHaveLength(3);

    disk.compactInBackground(snapshot(2, 1), null, () => void (done += 1));
    expect(disk.finishBackground()).toBe(true);
    expect(done).toBe(1);
    expect(disk.open().restored.snapshot?.metadata.index).toBe(2);
    expect(disk.open().restored.entries.map((e) => e.index)).toEqual([3]);
  });

  it('lets a newer snapshot win over a background one that finishes after it', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)] });
    disk.compactInBackground(snapshot(2, 1), null, () => {});
    disk.compact(snapshot(3, 1));
    disk.finishBackground();
    expect(disk.open().restored.snapshot?.metadata.index).toBe(3);
  });

  it('reports a torn tail once, at the next open', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1)] });
    disk.tornTail = true;
    expect(disk.open().tornTail).toMatch(/cut 11 bytes/);
    expect(disk.open().tornTail).toBeNull();
  });
});

describe('pieceEncoder: a background compaction in fixed steps', () => {
  it('takes several steps for a large store and gives the same text as encoding at once', () => {
    const store = new KvStore();
    const keys = SIM_SNAPSHOT_PIECES_PER_STEP * 3;
    for (let i = 1; i <= keys; i++) store.apply(i, encodeCommand({ op: 'put', key: `k${i}`, data: { value: `${i}` }, time: 0 }));
    const encoding = pieceEncoder(store.capture());
    let steps = 1;
    let done = encoding.step();
    while (done === null) {
      done = encoding.step();
      steps += 1;
    }
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(done.index).toBe(keys);
    expect(done.text).toBe(encodeSnapshot(store.capture()));
  });
});

describe('MemoryDisk crash plans: a node stopped at a persist', () => {
  it('before the write: nothing of the batch is kept, and the plan is spent', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1)], hardState: { term: 1, vote: 'n1', commit: 0 } });
    disk.crashPlan = 'before-persist';
    // A commit-only write does not need a sync: the plan waits for one that does.
    disk.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 1 } });
    expect(() => disk.persist({ entries: [entry(2, 1)] })).toThrow(DiskCrash);
    expect(disk.open().restored.entries.map((e) => e.index)).toEqual([1]);
    expect(disk.crashPlan).toBeNull();
  });

  it('after the write: the batch is durable and the crash says so', () => {
    const disk = new MemoryDisk();
    disk.crashPlan = 'after-persist';
    let thrown: unknown;
    try {
      disk.persist({ entries: [entry(1, 1)], hardState: { term: 1, vote: 'n1', commit: 0 } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DiskCrash);
    expect((thrown as DiskCrash).afterWrite).toBe(true);
    expect(disk.open().restored.entries.map((e) => e.index)).toEqual([1]);
  });
});
