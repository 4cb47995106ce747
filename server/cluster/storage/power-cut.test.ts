// A power cut, byte by byte, on real files: what a sync made durable stays exactly as it was, what
// was only written is gone (a kill keeps it all). The cuts that land inside a write use the
// ledger's own power switch, armed for the N-th sync from now, as the lab does for a node's next sync.
// A batch whose fdatasync runs off the thread (persist's `later`) is durable, for the ledger and so
// for a cut, only once its sync has returned.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeStorage } from './index.ts';
import { DurabilityLedger, PowerCut, type DiskLedger } from './durability-ledger.ts';
import { cutPower } from './power-cut.ts';
import { HARD_STATE_FILE } from './hard-state.ts';
import { snapshotFileName } from './snapshots.ts';
import { entries, makeTempRoot, snapshot, walFiles } from './test-helpers.ts';
import type { SyncDone } from '../../../shared/node/disk.ts';

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

/** The ledger, with the power going off at the `n`-th sync from when `offAtSync(n)` is called. */
function switchable(): { ledger: DiskLedger; offAtSync: (n: number) => void } {
  let left = 0;
  const wrapped: DiskLedger = {
    beforeSync: () => {
      if (left > 0 && --left === 0) ledger.switchOff('next-sync');
      ledger.beforeSync();
    },
    beforeWrite: () => {},
    segmentSynced: (base, bytes) => ledger.segmentSynced(base, bytes),
    segmentDeleted: (base) => ledger.segmentDeleted(base),
    hardStateDurable: (bytes) => ledger.hardStateDurable(bytes),
    snapshotDurable: (index, term) => ledger.snapshotDurable(index, term),
    snapshotDeleted: (index, term) => ledger.snapshotDeleted(index, term),
    opened: (found) => ledger.opened(found),
  };
  return { ledger: wrapped, offAtSync: (n) => void (left = n) };
}

/** A worker of this node starting: the power is on again and the disk is opened with the ledger. */
function boot(options: { segmentBytes?: number; ledger?: DiskLedger } = {}) {
  ledger.switchOn();
  const result = NodeStorage.open(dir, { ledger: options.ledger ?? ledger, ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}) });
  opened.push(result.storage);
  return result;
}

const segment = (n = -1) => path.join(dir, walFiles(dir).at(n)!);
const size = (file: string) => fs.statSync(file).size;

describe('a power cut keeps exactly what was synced', () => {
  it('cuts the WAL back to its last fdatasync, byte for byte, where a kill keeps the unsynced record', () => {
    const { storage } = boot();
    storage.persist({ entries: entries(1, 5, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    const synced = fs.readFileSync(segment());
    // A commit-only batch is written without a sync (commit-only.test.ts): in the page cache only.
    expect(storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 3 } })).toMatchObject({ synced: false });
    const written = size(segment());
    expect(written).toBeGreaterThan(synced.length);
    storage.close();

    const report = cutPower(dir, ledger);
    expect(fs.readFileSync(segment())).toEqual(synced);
    expect(report).toEqual({ bytesLost: written - synced.length, truncated: [{ file: path.basename(segment()), from: written, to: synced.length, tornBytes: 0 }], removed: [], hardState: 'durable' });
    expect(boot().restored.hardState).toEqual({ term: 1, vote: 'n1', commit: 0 });
  });

  it('after a kill, the next worker reads the unsynced record and syncs it before building on it, so a later cut keeps it', () => {
    const { storage } = boot();
    storage.persist({ entries: entries(1, 5, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 3 } });
    storage.close(); // a kill: the page cache keeps the record
    const written = fs.readFileSync(segment());
    expect(boot().restored.hardState.commit).toBe(3);
    opened.pop()!.close();
    expect(cutPower(dir, ledger).bytesLost).toBe(0);
    expect(fs.readFileSync(segment())).toEqual(written);
    expect(boot().restored.hardState.commit).toBe(3);
  });

  it('drops a batch written but not yet synced when the power goes, and leaves the synced bytes as they were', () => {
    const power = switchable();
    const { storage } = boot({ ledger: power.ledger });
    storage.persist({ entries: entries(1, 4, 1), hardState: { term: 1, vote: 'n1', commit: 2 } });
    const durable = fs.readFileSync(segment());
    power.offAtSync(1);
    expect(() => storage.persist({ entries: entries(5, 9, 1), hardState: { term: 1, vote: 'n1', commit: 4 } })).toThrow(PowerCut);
    expect(size(segment())).toBeGreaterThan(durable.length); // written: the page cache has it

    const report = cutPower(dir, ledger);
    expect(fs.readFileSync(segment())).toEqual(durable);
    expect(report.bytesLost).toBeGreaterThan(0);
    const { restored, recovery } = boot();
    expect(restored.entries).toEqual(entries(1, 4, 1));
    expect(restored.hardState).toEqual({ term: 1, vote: 'n1', commit: 2 });
    expect(recovery.tornTail).toBeNull();
  });

  it('may leave a torn first record past the synced length, which recovery cuts and reports', () => {
    const power = switchable();
    const { storage } = boot({ ledger: power.ledger });
    storage.persist({ entries: entries(1, 2, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    const durable = fs.readFileSync(segment());
    power.offAtSync(1);
    expect(() => storage.persist({ entries: entries(3, 5, 1) })).toThrow(PowerCut);
    const written = size(segment());

    // The PRNG says: tear (>= 0.5), then how far into the first unsynced record.
    const draws = [0.9, 0.4];
    const report = cutPower(dir, ledger, () => draws.shift()!);
    const torn = report.truncated[0]!.tornBytes;
    expect(torn).toBeGreaterThan(0);
    expect(report.truncated).toEqual([{ file: path.basename(segment()), from: written, to: durable.length + torn, tornBytes: torn }]);
    expect(fs.readFileSync(segment()).subarray(0, durable.length)).toEqual(durable);

    const { restored, recovery } = boot();
    expect(recovery.tornTail).toMatchObject({ segment: path.basename(segment()), offset: durable.length, bytesTruncated: torn });
    expect(restored.entries).toEqual(entries(1, 2, 1));
    expect(size(segment())).toBe(durable.length);
  });

  it('never leaves a whole record past the sync: whatever the PRNG draws, recovery gets back exactly the synced entries', () => {
    const tears = new Set<number>();
    for (let draw = 0; draw < 1; draw += 1 / 32) {
      tmp.cleanup();
      ledger = new DurabilityLedger();
      const power = switchable();
      const { storage } = boot({ ledger: power.ledger });
      storage.persist({ entries: entries(1, 2, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
      power.offAtSync(1);
      expect(() => storage.persist({ entries: entries(3, 3, 1) })).toThrow(PowerCut);
      const draws = [0.9, draw];
      tears.add(cutPower(dir, ledger, () => draws.shift()!).truncated[0]!.tornBytes);
      const { restored, recovery } = boot();
      expect(restored.entries, `draw ${draw}`).toEqual(entries(1, 2, 1));
      expect(recovery.tornTail, `draw ${draw}`).not.toBeNull();
    }
    // From one byte (a torn header) to all but the last byte of the record.
    expect(Math.min(...tears)).toBe(1);
    expect(Math.max(...tears)).toBeGreaterThan(40);
  });

  it('deletes a segment whose name was never made durable, and keeps the older one whole', () => {
    const power = switchable();
    const { storage } = boot({ ledger: power.ledger, segmentBytes: 300 });
    storage.persist({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    const first = fs.readFileSync(segment());
    // The next batch starts a segment: created, written, then the power goes at its fdatasync.
    power.offAtSync(1);
    expect(() => storage.persist({ entries: entries(4, 8, 1) })).toThrow(PowerCut);
    expect(walFiles(dir)).toHaveLength(2);

    const newer = walFiles(dir)[1]!;
    expect(cutPower(dir, ledger).removed).toEqual([newer]);
    expect(walFiles(dir)).toHaveLength(1);
    expect(fs.readFileSync(segment())).toEqual(first);
    expect(boot({ segmentBytes: 300 }).restored.entries).toEqual(entries(1, 3, 1));
  });

  it('syncs an older segment before leaving it, so no unsynced (tearable) record is left behind a roll', () => {
    const { storage } = boot({ segmentBytes: 400 });
    storage.persist({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 3 } }); // unsynced
    const older = fs.readFileSync(segment());
    storage.persist({ entries: entries(4, 8, 1), hardState: { term: 1, vote: 'n1', commit: 3 } }); // rolls
    expect(walFiles(dir)).toHaveLength(2);
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 8 } }); // unsynced, in the new one
    expect(walFiles(dir)).toHaveLength(2);
    storage.close();

    const report = cutPower(dir, ledger, () => 0.9);
    expect(fs.readFileSync(segment(0))).toEqual(older);
    expect(report.truncated.map((cut) => cut.file)).toEqual([path.basename(segment(1))]);
    const { restored } = boot({ segmentBytes: 400 });
    expect(restored.entries).toEqual(entries(1, 8, 1));
    expect(restored.hardState.commit).toBe(3);
  });
});

describe('hard state', () => {
  it('goes back to its last durable content when the power goes between its rename and the directory sync', () => {
    const power = switchable();
    const { storage } = boot({ ledger: power.ledger });
    storage.persist({ entries: entries(1, 1, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    const durable = fs.readFileSync(path.join(dir, HARD_STATE_FILE));
    // Sync 1: the temporary file; sync 2: the directory, after the rename.
    power.offAtSync(2);
    expect(() => storage.persist({ entries: [], hardState: { term: 2, vote: 'n3', commit: 0 } })).toThrow(PowerCut);
    expect(JSON.parse(fs.readFileSync(path.join(dir, HARD_STATE_FILE), 'utf8'))).toMatchObject({ term: 2, vote: 'n3' });

    expect(cutPower(dir, ledger).hardState).toBe('rolled-back');
    expect(fs.readFileSync(path.join(dir, HARD_STATE_FILE))).toEqual(durable);
    expect(boot().restored.hardState).toMatchObject({ term: 1, vote: 'n1' });
  });

  it('is removed when no version of it was ever durable, and a temporary file never survives', () => {
    const power = switchable();
    const { storage } = boot({ ledger: power.ledger });
    power.offAtSync(2);
    expect(() => storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 0 } })).toThrow(PowerCut);
    expect(fs.existsSync(path.join(dir, HARD_STATE_FILE))).toBe(true);
    expect(cutPower(dir, ledger)).toMatchObject({ hardState: 'removed' });
    expect(fs.existsSync(path.join(dir, HARD_STATE_FILE))).toBe(false);

    const again = switchable();
    const { storage: next } = boot({ ledger: again.ledger });
    again.offAtSync(1); // before the temporary file's fsync
    expect(() => next.persist({ entries: [], hardState: { term: 1, vote: 'n2', commit: 0 } })).toThrow(PowerCut);
    expect(cutPower(dir, ledger).removed).toEqual([`${HARD_STATE_FILE}.tmp`]);
    expect(boot().restored.hardState).toEqual({ term: 0, vote: null, commit: 0 });
  });

  it('a reopen makes a rename it found durable: after kill, restart and cut, the vote it read stays', () => {
    const power = switchable();
    const { storage } = boot({ ledger: power.ledger });
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 0 } });
    power.offAtSync(2);
    expect(() => storage.persist({ entries: [], hardState: { term: 2, vote: 'n3', commit: 0 } })).toThrow(PowerCut);
    storage.close(); // a kill: no cut, the page cache keeps the rename
    expect(boot().restored.hardState).toMatchObject({ term: 2, vote: 'n3' });
    opened.pop()!.close();
    expect(cutPower(dir, ledger).hardState).toBe('durable');
    expect(boot().restored.hardState).toMatchObject({ term: 2, vote: 'n3' });
  });
});

describe('snapshots', () => {
  it('a snapshot file not yet durable is gone, and the log it would have covered is still there', () => {
    const power = switchable();
    const { storage } = boot({ ledger: power.ledger, segmentBytes: 300 });
    storage.persist({ entries: entries(1, 8, 1), hardState: { term: 1, vote: 'n1', commit: 8 } });
    const segments = walFiles(dir).map((name) => [name, fs.readFileSync(path.join(dir, name))] as const);
    power.offAtSync(2); // the snapshot's directory sync, after its rename
    expect(() => storage.compact(snapshot(6, 1))).toThrow(PowerCut);
    expect(fs.existsSync(path.join(dir, snapshotFileName(6, 1)))).toBe(true);

    expect(cutPower(dir, ledger).removed).toEqual([snapshotFileName(6, 1)]);
    expect(walFiles(dir).map((name) => [name, fs.readFileSync(path.join(dir, name))])).toEqual(segments);
    const { restored } = boot({ segmentBytes: 300 });
    expect(restored.snapshot).toBeUndefined();
    expect(restored.entries).toEqual(entries(1, 8, 1));
  });

  it('a durable snapshot stays, and the segments deleted after it stay deleted', async () => {
    const { storage } = boot({ segmentBytes: 300 });
    for (const [from, to] of [[1, 3], [4, 6], [7, 8]] as const) storage.persist({ entries: entries(from, to, 1), hardState: { term: 1, vote: 'n1', commit: to } });
    expect(walFiles(dir)).toHaveLength(3);
    storage.compact(snapshot(6, 1));
    expect(walFiles(dir)).toHaveLength(1);
    storage.persist({ entries: entries(9, 9, 1), hardState: { term: 1, vote: 'n1', commit: 9 } });
    const files = fs.readdirSync(dir).sort();
    storage.close();
    expect(cutPower(dir, ledger)).toMatchObject({ removed: [], truncated: [], bytesLost: 0 });
    expect(fs.readdirSync(dir).sort()).toEqual(files);
    const { restored } = boot({ segmentBytes: 300 });
    expect(restored.snapshot?.metadata).toMatchObject({ index: 6, term: 1 });
    expect(restored.entries).toEqual(entries(7, 9, 1));
  });
});

describe('the ledger', () => {
  it('lives in shared memory: a second view of the same buffer (another thread) reads what the first wrote', () => {
    const writer = new DurabilityLedger(ledger.buffer);
    writer.opened({ segments: [], hardState: null, snapshots: [] });
    writer.segmentSynced(1, 120);
    writer.hardStateDurable(Buffer.from('{"version":1,"term":4,"vote":null}\n'));
    writer.snapshotDurable(10, 2);
    expect(ledger.initialized).toBe(true);
    expect([...ledger.syncedSegments()]).toEqual([[1, 120]]);
    expect(ledger.durableHardState()?.toString()).toContain('"term":4');
    expect(ledger.hasSnapshot(10, 2)).toBe(true);
    ledger.switchOff('now');
    expect(() => writer.beforeSync()).toThrow(PowerCut);
  });

  it('a first open in this server process takes the files as they are; a cut before any open changes nothing', () => {
    fs.mkdirSync(dir, { recursive: true });
    const { storage } = NodeStorage.open(dir); // no ledger: a disk prepared by the main thread
    storage.persist({ entries: entries(1, 2, 1), hardState: { term: 1, vote: null, commit: 0 } });
    storage.persist({ entries: [], hardState: { term: 1, vote: null, commit: 2 } }); // unsynced, but older than the lab
    storage.close();
    const before = fs.readFileSync(segment());
    expect(cutPower(dir, ledger)).toMatchObject({ bytesLost: 0 });
    boot();
    opened.pop()!.close();
    expect(cutPower(dir, ledger)).toMatchObject({ bytesLost: 0 });
    expect(fs.readFileSync(segment())).toEqual(before);
  });

  it('forgets a wiped directory: what it held of the old one does not protect the new one', () => {
    const { storage } = boot();
    storage.persist({ entries: entries(1, 5, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    storage.close();
    fs.rmSync(dir, { recursive: true });
    const power = switchable();
    const { storage: fresh } = boot({ ledger: power.ledger });
    power.offAtSync(1);
    expect(() => fresh.persist({ entries: entries(1, 1, 2) })).toThrow(PowerCut);
    // The new segment has the old one's name, but its own name was never made durable.
    const [reborn] = walFiles(dir);
    expect(reborn).toBe('wal-0000000000000001.log');
    expect(cutPower(dir, ledger).removed).toEqual([reborn]);
    expect(walFiles(dir)).toEqual([]);
    expect(boot().restored.entries).toEqual([]);
  });
});

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
    const { storage } = boot({ segmentBytes: 256 });
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
