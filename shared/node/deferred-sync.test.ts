// A disk whose fdatasync runs off the node's thread (the worker's WAL, wal.ts): the runtime holds
// the Ready until the disk says it is durable. Nothing it promises (an answer, a commit counted
// with the node's own log) goes before that, the node steps what arrives meanwhile, and what
// arrived becomes the next Ready once the sync returns.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../kv/commands.ts';
import { MemoryDisk, pieceEncoder } from './memory-disk.ts';
import { NodeRuntime } from './node-runtime.ts';
import type { PersistBatch, PersistOutcome, SyncDone } from './disk.ts';
import type { Entry, Message } from '../raft/index.ts';
import type { ClientOutcome, NodeReport, ReadyReport } from './protocol.ts';

/** The memory disk, but every synced batch finishes only when the test says so. */
class DeferringDisk extends MemoryDisk {
  readonly pending: ((done: SyncDone) => void)[] = [];
  persists = 0;

  override persist(batch: PersistBatch, later?: (done: SyncDone) => void): PersistOutcome {
    this.persists++;
    const outcome = super.persist(batch);
    if (!outcome.synced || !later) return outcome;
    this.pending.push(later);
    return { synced: false, fsyncMs: 0, deferred: true };
  }
}

function soleLeader(disk: DeferringDisk) {
  const outcomes = new Map<number, ClientOutcome>();
  const batches: number[] = [];
  const fatal: unknown[] = [];
  let wakes = 0;
  let returned = 0;
  const take = (report: NodeReport): void => {
    if (report.type !== 'ready') return;
    for (const { requestId, outcome } of report.outcomes) outcomes.set(requestId, outcome);
    if (report.persisted) batches.push(report.persisted.batches);
  };
  const runtime = new NodeRuntime(
    { id: 'n1', timing: { electionTicks: 10, heartbeatTicks: 2 }, initialConfig: { voters: ['n1'], learners: [], votersOutgoing: [] }, campaignAtBootstrap: true, seed: 1, switches: {}, snapshotThreshold: 1000, snapshotTrailing: 10 },
    { disk, encoder: pieceEncoder, report: take, now: () => 0, hooks: { background: () => {}, wake: () => void wakes++, fatal: (error) => void fatal.push(error) } },
  );
  /** Lets the oldest pending sync return, as libuv's pool does, and runs the host loop it wakes. */
  const syncReturns = (): void => {
    const before = wakes;
    disk.pending.shift()!({ fsyncMs: 0.5 });
    returned++;
    expect(wakes, 'a returned sync wakes the host loop').toBe(before + 1);
    runtime.flush();
  };
  return { runtime, outcomes, batches, fatal, syncReturns, returned: () => returned };
}

const put = (requestId: number, value: string) => ({ kind: 'propose' as const, requestId, command: encodeCommand({ op: 'put', key: 'k', data: { value }, time: requestId }) });

describe('a Ready whose sync runs off the thread', () => {
  it('is held until the disk says it is durable: no answer before, the next Ready only after', () => {
    const disk = new DeferringDisk();
    const { runtime, outcomes, batches, syncReturns, returned } = soleLeader(disk);
    // The election's Ready (term, vote, the leader's no-op) is the first held sync.
    while (disk.pending.length > 0) syncReturns();

    runtime.client(put(1, 'a'));
    runtime.flush();
    expect(disk.pending).toHaveLength(1);
    expect(outcomes.has(1), 'a sole voter commits only what its own disk holds').toBe(false);

    // While it syncs the node takes more: stepped into the core, but no second batch is written.
    const persistsWhileSyncing = disk.persists;
    runtime.client(put(2, 'b'));
    runtime.flush();
    runtime.flush();
    expect(disk.persists).toBe(persistsWhileSyncing);
    expect(outcomes.has(1)).toBe(false);
    expect(outcomes.has(2)).toBe(false);

    // Its sync returns: the batch with the second write is written and syncs in turn. The first
    // write is committed now (the node's own log counts), and applied and answered without
    // waiting for that second sync: a committed entry does not depend on it.
    syncReturns();
    expect(outcomes.get(1)?.ok).toBe(true);
    expect(outcomes.has(2), 'the second write is in the next batch, now syncing').toBe(false);
    expect(disk.pending).toHaveLength(1);
    syncReturns();
    // Committed by that sync; applied with the next batch (the commit index alone: written unsynced).
    expect(outcomes.get(2)?.ok).toBe(true);
    // Each batch counted once, when its sync returned.
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(returned());
  });

  it('a sync that fails stops the node (fatal), and what waited for it is never answered', () => {
    const disk = new DeferringDisk();
    const { runtime, outcomes, fatal, syncReturns } = soleLeader(disk);
    while (disk.pending.length > 0) syncReturns();
    runtime.client(put(1, 'a'));
    runtime.flush();
    const eio = new Error('EIO on fdatasync of wal');
    disk.pending.shift()!({ error: eio });
    runtime.flush();
    expect(fatal).toEqual([eio]);
    expect(outcomes.has(1)).toBe(false);
  });

  it('a replaced suffix is said (urgently) in the report that observes the replacing entries, once they are durable', () => {
    const disk = new DeferringDisk();
    const reports: ReadyReport[] = [];
    const follower = new NodeRuntime(
      { id: 'n2', timing: { electionTicks: 10, heartbeatTicks: 2 }, initialConfig: { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] }, campaignAtBootstrap: false, seed: 2, switches: {}, snapshotThreshold: 1000, snapshotTrailing: 10 },
      { disk, encoder: pieceEncoder, report: (report) => void (report.type === 'ready' && reports.push(report)), now: () => 0, hooks: { background: () => {}, wake: () => {}, fatal: (error) => { throw error; } } },
    );
    const entry = (index: number, term: number): Entry => ({ index, term, type: 'noop', data: '' });
    const append = (from: string, term: number, prevIndex: number, prevTerm: number, entries: Entry[]): Message => ({ type: 'Append', from, to: 'n2', term, prevIndex, prevTerm, entries, commit: 0 });
    const syncReturns = (): void => {
      disk.pending.shift()!({ fsyncMs: 0.5 });
      follower.flush();
    };
    // Its bootstrap entry (index 1, term 1) first; then n1, leader of term 1, sends two more.
    while (disk.pending.length > 0) syncReturns();
    follower.deliver(append('n1', 1, 1, 1, [entry(2, 1), entry(3, 1)]));
    follower.flush();
    while (disk.pending.length > 0) syncReturns();
    // n3, leader of term 2, replaces entries 2 and 3 with its own entry 2.
    follower.deliver(append('n3', 2, 1, 1, [entry(2, 2)]));
    reports.length = 0;
    follower.flush();
    const appended = (report: ReadyReport) => report.observations.some((o) => o.kind === 'append' && o.entries.some((e) => e.index === 2 && e.term === 2));
    expect(reports.some(appended), 'not observed before it is durable').toBe(false);
    expect(disk.pending).toHaveLength(1);
    syncReturns();
    const observing = reports.filter(appended);
    expect(observing).toHaveLength(1);
    // truncatedFrom makes the report urgent (report-batcher.ts): it must ride with the observation.
    expect(observing[0]!.truncatedFrom).toBe(2);
  });
});
