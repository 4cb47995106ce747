// A batch that only moves the commit index is written without fdatasync (etcd's mustSync): the
// commit index is recomputed from a quorum after a crash, so losing it costs nothing but time.
// These tests pin down both halves: such a batch really skips the sync, and whatever a crash
// leaves of it (all of it, none of it, half a record) recovers to a correct state.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeStorage } from './index.ts';
import { entries, makeTempRoot, walFiles } from './test-helpers.ts';

let tmp: ReturnType<typeof makeTempRoot>;
let dir: string;
const open: NodeStorage[] = [];

function openStorage() {
  const r = NodeStorage.open(dir);
  open.push(r.storage);
  return r;
}

const walPath = () => path.join(dir, walFiles(dir).at(-1)!);

beforeEach(() => {
  tmp = makeTempRoot();
  dir = tmp.nodeDir();
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const s of open.splice(0)) s.close();
  tmp.cleanup();
});

describe('commit-only batches', () => {
  it('are written but not fdatasync-ed; entries, term and vote still are', () => {
    const { storage } = openStorage();
    const fdatasync = vi.spyOn(fs, 'fdatasyncSync');
    expect(storage.persist({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 'n1', commit: 0 } })).toMatchObject({ synced: true });
    expect(fdatasync).toHaveBeenCalledTimes(1);

    const commitOnly = storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 3 } });
    expect(commitOnly).toMatchObject({ synced: false, records: 1, fsyncMs: 0, hardStateWritten: false });
    expect(commitOnly.bytes).toBeGreaterThan(0);
    expect(fdatasync).toHaveBeenCalledTimes(1);
    expect(storage.describe().hardState.commit).toBe(3);

    // Entries with a commit are synced as before.
    expect(storage.persist({ entries: entries(4, 4, 1), hardState: { term: 1, vote: 'n1', commit: 3 } })).toMatchObject({ synced: true });
    expect(fdatasync).toHaveBeenCalledTimes(2);
    // A new term is made durable by hardstate.json's own fsync (before this returns); the commit
    // record riding along in the WAL is still only a hint.
    const fsync = vi.spyOn(fs, 'fsyncSync');
    expect(storage.persist({ entries: [], hardState: { term: 2, vote: null, commit: 4 } })).toMatchObject({ synced: false, hardStateWritten: true });
    expect(fsync).toHaveBeenCalled();
    storage.close();
    expect(openStorage().restored.hardState).toEqual({ term: 2, vote: null, commit: 4 });
  });

  it('a kill keeps an unsynced commit record (it is in the page cache) and recovery reads it', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 5, 1), hardState: { term: 1, vote: 'n1', commit: 2 } });
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 5 } });
    storage.close();
    const { restored, recovery } = openStorage();
    expect(recovery.tornTail).toBeNull();
    expect(restored.hardState).toEqual({ term: 1, vote: 'n1', commit: 5 });
    expect(restored.entries).toEqual(entries(1, 5, 1));
  });

  it('losing the unsynced commit record (power cut) restarts from the older commit index, entries intact', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 5, 1), hardState: { term: 1, vote: 'n1', commit: 2 } });
    const durable = fs.statSync(walPath()).size;
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 5 } });
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 5 } }); // unchanged: nothing written
    storage.close();
    fs.truncateSync(walPath(), durable); // what never reached the disk is gone

    const { restored, recovery, storage: again } = openStorage();
    expect(recovery.tornTail).toBeNull();
    expect(restored.hardState).toEqual({ term: 1, vote: 'n1', commit: 2 });
    expect(restored.entries).toEqual(entries(1, 5, 1));
    // The node carries on: the leader tells it the commit index again.
    again.persist({ entries: entries(6, 6, 1), hardState: { term: 1, vote: 'n1', commit: 6 } });
    again.close();
    expect(openStorage().restored.hardState.commit).toBe(6);
  });

  it('half an unsynced commit record is a torn tail: cut, reported, the previous commit index stands', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 4, 1), hardState: { term: 1, vote: 'n1', commit: 1 } });
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 3 } });
    const synced = fs.statSync(walPath()).size;
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 4 } });
    const full = fs.statSync(walPath()).size;
    storage.close();
    fs.truncateSync(walPath(), synced + Math.floor((full - synced) / 2));

    const { restored, recovery } = openStorage();
    expect(recovery.tornTail).toMatchObject({ offset: synced });
    expect(restored.hardState.commit).toBe(3);
    expect(restored.entries).toEqual(entries(1, 4, 1));
  });

  it('the next synced batch makes earlier unsynced commit records durable too (one file, one flush)', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 2, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n1', commit: 2 } });
    storage.persist({ entries: entries(3, 3, 1) });
    storage.close();
    // Everything up to the end of the synced batch survives; the commit record inside it replays.
    const { restored } = openStorage();
    expect(restored.hardState.commit).toBe(2);
    expect(restored.entries).toEqual(entries(1, 3, 1));
  });
});
