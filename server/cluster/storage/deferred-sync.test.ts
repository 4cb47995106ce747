// The WAL's fdatasync off the node's thread (persist's `later`), on real files: a batch counts as
// durable, for the ledger and so for a power cut, only once its sync has returned; before that a
// cut takes it, after it the batch survives byte for byte. A segment rolled away, or the log
// closed, while its sync runs keeps its descriptor open until the sync is done.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeStorage } from './index.ts';
import { DurabilityLedger } from './durability-ledger.ts';
import { cutPower } from './power-cut.ts';
import type { SyncDone } from '../../../shared/node/disk.ts';
import { entries, makeTempRoot, walFiles } from './test-helpers.ts';

let tmp: ReturnType<typeof makeTempRoot>;
let dir: string;
let ledger: DurabilityLedger;
const opened: NodeStorage[] = [];

beforeEach(() => {
  tmp = makeTempRoot();
  dir = tmp.nodeDir();
  ledger = new DurabilityLedger();
});
afterEach(() => {
  for (const storage of opened.splice(0)) storage.close();
  tmp.cleanup();
});

function boot(segmentBytes?: number) {
  ledger.switchOn();
  const result = NodeStorage.open(dir, { ledger, ...(segmentBytes ? { segmentBytes } : {}) });
  opened.push(result.storage);
  return result;
}

/** persist with `later`, and a promise of how its sync ended. */
function persistLater(storage: NodeStorage, from: number, to: number) {
  let done!: (result: SyncDone) => void;
  const synced = new Promise<SyncDone>((resolve) => (done = resolve));
  const stats = storage.persist({ entries: entries(from, to, 1), hardState: { term: 1, vote: 'n1', commit: 0 } }, done);
  return { stats, synced };
}

const durableBytes = () => [...ledger.syncedSegments().values()].reduce((sum, bytes) => sum + bytes, 0);

describe("a batch's sync off the thread", () => {
  it('is written at once, and durable (for the ledger, for a power cut) only when its sync returns', async () => {
    const { storage } = boot();
    storage.persist({ entries: entries(1, 2, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    const before = durableBytes();

    const { stats, synced } = persistLater(storage, 3, 5);
    expect(stats).toMatchObject({ deferred: true, synced: false, entries: 3 });
    expect(storage.describe().log.lastIndex, 'written: the log holds it').toBe(5);
    expect(durableBytes(), 'not durable before the sync returns').toBe(before);

    const result = await synced;
    expect('fsyncMs' in result && result.fsyncMs >= 0).toBe(true);
    expect(durableBytes()).toBeGreaterThan(before);
    const [segment] = storage.describe().segments;
    expect(segment!.synced).toBe(segment!.bytes);

    // The power goes now: everything the sync covered stays.
    storage.close();
    opened.length = 0;
    expect(cutPower(dir, ledger).bytesLost).toBe(0);
    expect(boot().restored.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a power cut before the sync returns takes the batch, and only it', async () => {
    const { storage } = boot();
    storage.persist({ entries: entries(1, 2, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    const { synced } = persistLater(storage, 3, 5);
    // The power goes before the callback ran (a worker stopped then never runs it): the ledger
    // had not heard of the sync, so the cut takes the batch.
    const cut = cutPower(dir, ledger);
    expect(cut.bytesLost).toBeGreaterThan(0);
    await synced;
    storage.close();
    opened.length = 0;
    expect(boot().restored.entries.map((e) => e.index)).toEqual([1, 2]);
  });

  it('a segment rolled away while its sync runs, and a log closed meanwhile, close their descriptor after it', async () => {
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const fdsBefore = fds();
    const { storage } = boot(256);
    const first = persistLater(storage, 1, 3);
    // The next batch does not fit: a new segment, the old one's descriptor still syncing.
    const second = persistLater(storage, 4, 9);
    expect(second.stats.rolledSegment).toBe(true);
    expect(walFiles(dir)).toHaveLength(2);
    storage.close();
    opened.length = 0;
    for (const result of [await first.synced, await second.synced]) expect(result).not.toHaveProperty('error');
    expect(fds(), 'every descriptor closed once its sync returned').toBe(fdsBefore);
    // Both synced: every byte of both segments is durable.
    for (const name of walFiles(dir)) expect(ledger.syncedSegments().get(Number(name.slice(4, 20)))).toBe(fs.statSync(`${dir}/${name}`).size);
  });
});
