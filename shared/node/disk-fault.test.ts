// The disk fault model (disk-fault.ts) and what the node runtime makes of each fault, on the memory
// disk: the same rules the real WAL obeys (server/cluster/disk-faults.test.ts checks them there).
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../kv/commands.ts';
import { createPrng } from '../net/prng.ts';
import type { Entry } from '../raft/types.ts';
import { DiskFailure, RecoveryRefused } from './disk.ts';
import { DiskFaults, drawLatencyMs } from './disk-fault.ts';
import { MemoryDisk } from './memory-disk.ts';
import { threeNodes } from './testing/three-nodes.ts';

const entry = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: `e${index}t${term}` });
const put = (key: string, value: string) => encodeCommand({ op: 'put', key, data: { value }, time: 1 });

describe('the disk fault model', () => {
  it('draws a slow sync from a log-normal with the p50 and p99 it was given', () => {
    const random = createPrng(7);
    const draws = Array.from({ length: 20_000 }, () => drawLatencyMs({ p50Ms: 20, p99Ms: 200 }, random)).sort((a, b) => a - b);
    expect(draws[10_000]!).toBeGreaterThan(18);
    expect(draws[10_000]!).toBeLessThan(22);
    expect(draws[19_800]!).toBeGreaterThan(170);
    expect(draws[19_800]!).toBeLessThan(235);
  });

  it('fails the next sync once with EIO, then is spent (a retry would succeed: why a node must not retry)', () => {
    const faults = new DiskFaults(createPrng(1), { kind: 'failing', on: 'sync' });
    expect(faults.before({ op: 'write', file: 'wal-1.log', grows: true })).toBe(0);
    expect(() => faults.before({ op: 'sync', file: 'wal-1.log', syscall: 'fdatasync' })).toThrow('disk failed: EIO on fdatasync of wal-1.log');
    expect(faults.fault).toEqual({ kind: 'none' });
    expect(faults.before({ op: 'sync', file: 'wal-1.log', syscall: 'fdatasync' })).toBe(0);
  });

  it('refuses only writes that need space when full', () => {
    const faults = new DiskFaults(createPrng(1), { kind: 'full' });
    expect(() => faults.before({ op: 'write', file: 'wal-1.log', grows: true })).toThrow('disk full: ENOSPC on write of wal-1.log');
    expect(faults.before({ op: 'write', file: 'wal-1.log', grows: false })).toBe(0);
    expect(faults.before({ op: 'sync', file: 'wal-1.log', syscall: 'fdatasync' })).toBe(0);
  });
});

describe('MemoryDisk under a fault', () => {
  it('a failed sync keeps nothing of its batch', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1)], hardState: { term: 1, vote: 'n1', commit: 0 } });
    disk.setFault({ kind: 'failing', on: 'sync' });
    expect(() => disk.persist({ entries: [entry(2, 1)] })).toThrow(DiskFailure);
    expect(disk.open().restored.entries.map((e) => e.index)).toEqual([1]);
  });

  it('a full disk refuses every batch, keeps nothing of it, and takes it once space is freed', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1)], hardState: { term: 1, vote: 'n1', commit: 0 } });
    disk.setFault({ kind: 'full' });
    expect(() => disk.persist({ entries: [entry(2, 1)] })).toThrow(/ENOSPC/);
    expect(() => disk.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 1 } })).toThrow(/ENOSPC/);
    expect(disk.open().restored.entries).toHaveLength(1);
    disk.setFault({ kind: 'none' });
    disk.persist({ entries: [entry(2, 1)] });
    expect(disk.open().restored.entries).toHaveLength(2);
  });

  it('reports a slow disk its drawn latency as sync time', () => {
    const disk = new MemoryDisk(createPrng(3));
    disk.setFault({ kind: 'slow', p50Ms: 50, p99Ms: 60 });
    const { synced, fsyncMs } = disk.persist({ entries: [entry(1, 1)] });
    expect(synced).toBe(true);
    expect(fsyncMs).toBeGreaterThan(30);
  });

  it('a bit flipped mid-log makes the next open refuse it; never the last record', () => {
    const disk = new MemoryDisk();
    disk.persist({ entries: [entry(1, 1)] });
    expect(disk.corrupt(createPrng(1))).toBeNull(); // one record: nothing in the middle
    disk.persist({ entries: [entry(2, 1), entry(3, 1)] });
    const where = disk.corrupt(createPrng(1));
    expect(where).toMatch(/entry [12]$/);
    expect(() => disk.open()).toThrow(RecoveryRefused);
    expect(() => disk.open()).toThrow(/corrupt WAL record in wal \(in memory\) at entry [12]/);
  });
});

describe('the node runtime under disk faults', () => {
  /** A cluster with n1 leading and everything caught up. */
  function withLeader(disks: Record<string, MemoryDisk>) {
    const cluster = threeNodes(disks);
    cluster.node('n1').client({ kind: 'campaign', requestId: 1 });
    cluster.node('n1').flush();
    cluster.settle();
    return cluster;
  }

  it('a full follower does not acknowledge, still serves stale reads, and catches up once space is freed, without a restart', () => {
    const n3 = new MemoryDisk();
    const cluster = withLeader({ n3 });
    cluster.node('n1').client({ kind: 'propose', requestId: 2, command: put('k', 'old') });
    cluster.node('n1').flush();
    cluster.settle();
    n3.setFault({ kind: 'full' });
    cluster.node('n1').client({ kind: 'propose', requestId: 3, command: put('k', 'new') });
    cluster.node('n1').flush();
    // n1's Append reaches n3, which cannot write it: no acknowledgement leaves n3.
    cluster.deliverAll();
    expect(cluster.outboxes.get('n3')!.filter((m) => m.type === 'AppendResponse')).toEqual([]);
    cluster.settle();
    expect(cluster.outcomes.get(3)?.ok).toBe(true); // n1 and n2 are a majority
    expect(cluster.node('n1').raftStatus().progress['n3']!.match).toBeLessThan(cluster.node('n1').raftStatus().lastIndex);
    cluster.node('n3').client({ kind: 'read', requestId: 4, key: 'k', consistency: 'stale' });
    cluster.node('n3').flush();
    expect(cluster.outcomes.get(4)).toMatchObject({ ok: true, value: { value: 'old' } });
    // Free space: the waiting batch goes through on this very turn.
    cluster.node('n3').client({ kind: 'disk-fault', requestId: 5, fault: { kind: 'none' }, });
    cluster.node('n3').flush();
    for (let i = 0; i < 3; i++) {
      cluster.node('n1').tick(2);
      cluster.node('n1').flush();
      cluster.settle();
    }
    cluster.node('n3').client({ kind: 'read', requestId: 6, key: 'k', consistency: 'stale' });
    cluster.node('n3').flush();
    expect(cluster.outcomes.get(6)).toMatchObject({ ok: true, value: { value: 'new' } });
    expect(n3.open().restored.entries.length).toBe(cluster.node('n1').raftStatus().lastIndex);
  });

  it('a full leader refuses proposals with a clear error and takes them again once space is freed', () => {
    const n1 = new MemoryDisk();
    const cluster = withLeader({ n1 });
    n1.setFault({ kind: 'full' });
    cluster.node('n1').client({ kind: 'propose', requestId: 2, command: put('k', 'v') });
    cluster.node('n1').flush();
    expect(cluster.outcomes.get(2)).toEqual({ ok: false, code: 'unavailable', error: "n1's disk is full (ENOSPC): it takes no writes until space is freed" });
    cluster.node('n1').client({ kind: 'disk-fault', requestId: 3, fault: { kind: 'none' } });
    cluster.node('n1').client({ kind: 'propose', requestId: 4, command: put('k', 'v') });
    cluster.node('n1').flush();
    cluster.settle();
    expect(cluster.outcomes.get(4)?.ok).toBe(true);
  });

  it('a failing disk stops its node at the sync (EIO), before it acknowledges what it could not persist', () => {
    const n2 = new MemoryDisk();
    const cluster = withLeader({ n2 });
    const before = n2.open().restored.entries.length;
    n2.setFault({ kind: 'failing', on: 'sync' });
    cluster.node('n1').client({ kind: 'propose', requestId: 2, command: put('k', 'v') });
    cluster.node('n1').flush();
    for (const message of cluster.outboxes.get('n1')!.splice(0)) cluster.node(message.to).deliver(message);
    expect(() => cluster.node('n2').flush()).toThrow('disk failed: EIO on fdatasync of wal (in memory)');
    expect(cluster.outboxes.get('n2')!.filter((m) => m.type === 'AppendResponse')).toEqual([]);
    n2.loseUnsynced();
    expect(n2.open().restored.entries.length).toBe(before);
  });
});
