import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeStorage, StorageFileError, wipe } from './index.ts';
import { snapshotFileName, writeSnapshot } from './snapshots.ts';
import { entries, entry, makeTempRoot, snapshot, walFiles } from './test-helpers.ts';
import { crc32cOfText } from './crc32c.ts';

/** What snapshot-encoder.ts prepares for a snapshot's file, done here in one go. */
function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}

const prepare = (data: string) => ({ chunks: [Buffer.from(data, 'utf8')], crc32c: crc32cOfText(data) });

let tmp: ReturnType<typeof makeTempRoot>;
let dir: string;
const open: NodeStorage[] = [];

function openStorage(options?: { segmentBytes?: number }) {
  const r = NodeStorage.open(dir, options);
  open.push(r.storage);
  return r;
}

beforeEach(() => {
  tmp = makeTempRoot();
  dir = tmp.nodeDir();
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  tmp.cleanup();
});

describe('NodeStorage basics', () => {
  it('creates a missing directory and opens empty', () => {
    const { restored, recovery, storage } = openStorage();
    expect(fs.existsSync(dir)).toBe(true);
    expect(recovery.created).toBe(true);
    expect(recovery.tornTail).toBeNull();
    expect(restored).toEqual({ hardState: { term: 0, vote: null, commit: 0 }, entries: [] });
    expect(storage.describe().log).toEqual({ firstIndex: 1, lastIndex: 0, lastTerm: 0 });
  });

  it('round-trips entries, hard state and commit over several batches', () => {
    const { storage } = openStorage();
    const s1 = storage.persist({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    expect(s1).toMatchObject({ entries: 3, records: 3, synced: true, hardStateWritten: true });
    const s2 = storage.persist({ entries: entries(4, 5, 1), hardState: { term: 1, vote: 'n1', commit: 3 } });
    expect(s2).toMatchObject({ entries: 2, records: 3, synced: true, hardStateWritten: false });
    expect(s2.bytes).toBeGreaterThan(0);
    expect(s2.fsyncMs).toBeGreaterThanOrEqual(0);
    storage.persist({ entries: [], hardState: { term: 2, vote: null, commit: 5 } });
    storage.persist({ entries: [entry(6, 2, 'x'.repeat(1000)), { index: 7, term: 2, type: 'noop', data: '' }] });
    const before = storage.describe();
    storage.close();

    const { restored, recovery, storage: again } = openStorage();
    open.push(again);
    expect(recovery.tornTail).toBeNull();
    expect(restored.hardState).toEqual({ term: 2, vote: null, commit: 5 });
    expect(restored.entries).toEqual([...entries(1, 5, 1), entry(6, 2, 'x'.repeat(1000)), { index: 7, term: 2, type: 'noop', data: '' }]);
    expect(restored.snapshot).toBeUndefined();
    expect(again.describe()).toEqual(before);
  });

  it('writes hardstate.json only when term or vote changes', () => {
    const { storage } = openStorage();
    storage.persist({ entries: [], hardState: { term: 1, vote: 'n2', commit: 0 } });
    const mtime = fs.statSync(path.join(dir, 'hardstate.json')).mtimeMs;
    const stats = storage.persist({ entries: entries(1, 2, 1), hardState: { term: 1, vote: 'n2', commit: 1 } });
    expect(stats.hardStateWritten).toBe(false);
    expect(fs.statSync(path.join(dir, 'hardstate.json')).mtimeMs).toBe(mtime);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'hardstate.json'), 'utf8'))).toEqual({ version: 1, term: 1, vote: 'n2' });
  });

  it('replaces an overwritten suffix: 1..10 t1 then 6..8 t2 gives 1..5 t1 + 6..8 t2', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 10, 1), hardState: { term: 1, vote: null, commit: 4 } });
    const walBefore = fs.readFileSync(path.join(dir, walFiles(dir)[0]!));
    const stats = storage.persist({ entries: entries(6, 8, 2), hardState: { term: 2, vote: 'n3', commit: 4 } });
    expect(stats.records).toBe(4); // truncate marker + 3 entries
    // Old bytes are never rewritten: the segment only grew.
    expect(fs.readFileSync(path.join(dir, walFiles(dir)[0]!)).subarray(0, walBefore.length)).toEqual(walBefore);
    expect(storage.describe().log).toEqual({ firstIndex: 1, lastIndex: 8, lastTerm: 2 });
    storage.close();

    const { restored } = openStorage();
    expect(restored.entries).toEqual([...entries(1, 5, 1), ...entries(6, 8, 2)]);
    expect(restored.hardState).toEqual({ term: 2, vote: 'n3', commit: 4 });
  });

  it('clamps a commit index beyond the log after an overwrite', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 10, 1), hardState: { term: 1, vote: null, commit: 9 } });
    // (A correct core never truncates committed entries; storage still must not report commit > last.)
    storage.persist({ entries: entries(4, 4, 2) });
    storage.close();
    expect(openStorage().restored.hardState.commit).toBe(4);
  });

  it('rejects a batch with a gap or non-contiguous entries before touching the disk', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 3, 1) });
    expect(() => storage.persist({ entries: entries(5, 6, 1) })).toThrow(/gap/);
    expect(() => storage.persist({ entries: [entry(4, 1), entry(6, 1)] })).toThrow(/contiguous/);
    storage.persist({ entries: entries(4, 4, 1) });
    storage.close();
    expect(openStorage().restored.entries).toEqual(entries(1, 4, 1));
  });

  it('a wiped node opens empty', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 5, 1), hardState: { term: 3, vote: 'n1', commit: 2 } });
    storage.compact(snapshot(2, 1));
    storage.close();
    wipe(dir);
    expect(fs.existsSync(dir)).toBe(false);
    const { restored, recovery } = openStorage();
    expect(restored).toEqual({ hardState: { term: 0, vote: null, commit: 0 }, entries: [] });
    expect(recovery.created).toBe(true);
  });

  it('refuses to be used after close', () => {
    const { storage } = openStorage();
    storage.close();
    storage.close();
    expect(() => storage.persist({ entries: entries(1, 1, 1) })).toThrow(/closed/);
  });
});

describe('segments, snapshots and compaction', () => {
  it('rolls segments past segmentBytes, names them by first index, and compaction deletes covered ones', () => {
    const { storage } = openStorage({ segmentBytes: 1024 });
    for (let i = 1; i <= 60; i += 3) storage.persist({ entries: entries(i, i + 2, 1), hardState: { term: 1, vote: null, commit: i - 1 } });
    const segs = storage.describe().segments;
    expect(segs.length).toBeGreaterThan(3);
    for (const s of segs) {
      expect(s.bytes).toBeLessThanOrEqual(1024);
      expect(s.name).toBe(`wal-${String(s.firstIndex).padStart(16, '0')}.log`);
    }
    expect(segs[0]!.firstIndex).toBe(1);
    expect(segs[segs.length - 1]!.lastIndex).toBe(60);

    storage.compact(snapshot(40, 1, 'image-40'));
    const after = storage.describe();
    // Every remaining segment holds an entry above 40 except possibly none; all deleted ones were <= 40.
    const deleted = segs.filter((s) => !after.segments.some((a) => a.name === s.name));
    expect(deleted.length).toBeGreaterThan(0);
    for (const s of deleted) expect(s.lastIndex!).toBeLessThanOrEqual(40);
    expect(after.segments[0]!.lastIndex!).toBeGreaterThan(40);
    expect(walFiles(dir)).toEqual(after.segments.map((s) => s.name));
    expect(after.snapshot).toMatchObject({ index: 40, term: 1, file: snapshotFileName(40, 1) });
    expect(after.log).toEqual({ firstIndex: 41, lastIndex: 60, lastTerm: 1 });

    storage.persist({ entries: entries(61, 62, 2), hardState: { term: 2, vote: null, commit: 62 } });
    storage.close();
    const { restored, recovery } = openStorage({ segmentBytes: 1024 });
    expect(recovery.tornTail).toBeNull();
    expect(restored.snapshot).toEqual(snapshot(40, 1, 'image-40'));
    expect(restored.entries).toEqual([...entries(41, 60, 1), ...entries(61, 62, 2)]);
    expect(restored.hardState).toEqual({ term: 2, vote: null, commit: 62 });
  });

  it('keeps only the newest snapshot file', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 20, 1) });
    storage.compact(snapshot(5, 1));
    storage.compact(snapshot(10, 1));
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('snap-'))).toEqual([snapshotFileName(10, 1)]);
    storage.compact(snapshot(7, 1)); // older than what is stored: nothing to do
    expect(storage.describe().snapshot?.index).toBe(10);
    expect(() => storage.compact(snapshot(12, 9))).toThrow(/term/);
    expect(() => storage.compact(snapshot(21, 1))).toThrow(/ends at 20/);
  });

  it('compactInBackground writes the same file as compact, off the thread, and trims the log only once it is durable', async () => {
    const { storage } = openStorage({ segmentBytes: 1024 });
    for (let i = 1; i <= 60; i += 3) storage.persist({ entries: entries(i, i + 2, 1), hardState: { term: 1, vote: null, commit: i - 1 } });
    const image = snapshot(40, 1, 'image "40" \\ é😀'.repeat(500));
    const segmentsBefore = walFiles(dir);
    const writing = storage.compactInBackground(image, prepare(image.data));
    // Nothing is trimmed while the file is on its way: a crash now keeps the old state whole.
    expect(walFiles(dir)).toEqual(segmentsBefore);
    expect(storage.describe().snapshot).toBeNull();
    // The node goes on persisting meanwhile.
    storage.persist({ entries: entries(61, 61, 1), hardState: { term: 1, vote: null, commit: 60 } });
    await expect(writing).resolves.toBe(true);
    expect(storage.describe().snapshot).toMatchObject({ index: 40, term: 1 });
    expect(walFiles(dir).length).toBeLessThan(segmentsBefore.length);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const background = fs.readFileSync(path.join(dir, snapshotFileName(40, 1)));
    fs.mkdirSync(tmp.nodeDir('n2'), { recursive: true });
    writeSnapshot(tmp.nodeDir('n2'), image);
    expect(background.equals(fs.readFileSync(path.join(tmp.nodeDir('n2'), snapshotFileName(40, 1))))).toBe(true);
    storage.close();
    const { restored } = openStorage({ segmentBytes: 1024 });
    expect(restored.snapshot).toEqual(image);
    expect(restored.entries.map((e) => e.index)).toEqual(Array.from({ length: 21 }, (_, i) => 41 + i));
  });

  it('a background snapshot overtaken by a newer one is dropped, file and all', async () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 20, 1), hardState: { term: 1, vote: null, commit: 20 } });
    const older = snapshot(8, 1, 'image-8');
    const writing = storage.compactInBackground(older, prepare(older.data));
    storage.compact(snapshot(12, 1, 'image-12'));
    await expect(writing).resolves.toBe(false);
    expect(storage.describe().snapshot?.index).toBe(12);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('snap-'))).toEqual([snapshotFileName(12, 1)]);
    await expect(storage.compactInBackground(snapshot(10, 1), prepare('x'))).resolves.toBe(false);
    await expect(storage.compactInBackground(snapshot(15, 9), prepare('x'))).rejects.toThrow(/term/);
  });

  it('an installed snapshot the log does not contain discards the whole log', () => {
    const { storage } = openStorage({ segmentBytes: 512 });
    for (let i = 1; i <= 30; i += 5) storage.persist({ entries: entries(i, i + 4, 1), hardState: { term: 1, vote: null, commit: 2 } });
    // The leader's snapshot is at 100/3: far ahead of this follower's log.
    const stats = storage.persist({ entries: [], snapshot: snapshot(100, 3, 'leader-image'), hardState: { term: 3, vote: null, commit: 100 } });
    expect(stats).toMatchObject({ snapshotWritten: true, rolledSegment: true, hardStateWritten: true });
    expect(stats.segmentsDeleted).toBeGreaterThan(0);
    expect(storage.describe().segments).toHaveLength(1);
    expect(storage.describe().log).toEqual({ firstIndex: 101, lastIndex: 100, lastTerm: 3 });
    storage.persist({ entries: entries(101, 103, 3), hardState: { term: 3, vote: null, commit: 102 } });
    storage.close();

    const { restored } = openStorage({ segmentBytes: 512 });
    expect(restored.snapshot).toEqual(snapshot(100, 3, 'leader-image'));
    expect(restored.entries).toEqual(entries(101, 103, 3));
    expect(restored.hardState).toEqual({ term: 3, vote: null, commit: 102 });
  });

  it('an installed snapshot that conflicts with the log (same index, other term) discards it, stale suffix included', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 20, 1) });
    storage.persist({ entries: [], snapshot: snapshot(10, 2) });
    expect(storage.describe().log).toEqual({ firstIndex: 11, lastIndex: 10, lastTerm: 2 });
    storage.persist({ entries: entries(11, 12, 2) });
    storage.close();
    expect(openStorage().restored.entries).toEqual(entries(11, 12, 2));
  });

  it('an installed snapshot the log contains keeps the entries after it', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 20, 1) });
    const stats = storage.persist({ entries: entries(21, 22, 1), snapshot: snapshot(15, 1) });
    expect(stats.entries).toBe(2);
    storage.close();
    const { restored } = openStorage();
    expect(restored.snapshot?.metadata.index).toBe(15);
    expect(restored.entries).toEqual(entries(16, 22, 1));
  });

  it('recovers from a crash between writing an installed snapshot file and its WAL record', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 20, 1), hardState: { term: 1, vote: null, commit: 20 } });
    storage.close();
    // Simulate the crash window: the snapshot file is durable, the WAL never heard of it.
    writeSnapshot(dir, snapshot(10, 2));
    const { restored, recovery } = openStorage();
    expect(recovery.discardedForSnapshot).toBe(true);
    expect(restored.entries).toEqual([]);
    expect(restored.hardState.commit).toBe(10);
  });

  it('rejects a stale installed snapshot', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 20, 1) });
    storage.compact(snapshot(10, 1));
    expect(() => storage.persist({ entries: [], snapshot: snapshot(5, 1) })).toThrow(/older/);
    // The same snapshot again is a no-op, not an error.
    expect(storage.persist({ entries: [], snapshot: snapshot(10, 1) }).snapshotWritten).toBe(false);
  });
});

describe('hard state and snapshot files at the boundary', () => {
  it('replaces hardstate.json atomically and ignores (and removes) a leftover temp file', () => {
    const { storage } = openStorage();
    storage.persist({ entries: [], hardState: { term: 4, vote: 'n2', commit: 0 } });
    storage.close();
    // A crash mid-replacement leaves the new version in a temp file that was never renamed.
    fs.writeFileSync(path.join(dir, 'hardstate.json.tmp'), '{"version":1,"term":5,"vo');
    const { restored, recovery } = openStorage();
    expect(restored.hardState).toEqual({ term: 4, vote: 'n2', commit: 0 });
    expect(recovery.removedFiles).toContain('hardstate.json.tmp');
    expect(fs.existsSync(path.join(dir, 'hardstate.json.tmp'))).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('names hardstate.json when it is not valid JSON or has the wrong shape', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'hardstate.json'), '{"version":1,"term":');
    expect(() => NodeStorage.open(dir)).toThrow(StorageFileError);
    expect(() => NodeStorage.open(dir)).toThrow(/hardstate\.json.*JSON/);
    fs.writeFileSync(path.join(dir, 'hardstate.json'), '{"version":1,"term":-1,"vote":null}');
    expect(() => NodeStorage.open(dir)).toThrow(/hardstate\.json: term/);
  });

  it('names a damaged snapshot file', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 5, 1) });
    storage.compact(snapshot(3, 1, 'the image'));
    storage.close();
    const file = path.join(dir, snapshotFileName(3, 1));
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.replace('the image', 'the imagE'));
    expect(() => NodeStorage.open(dir)).toThrow(new RegExp(`${snapshotFileName(3, 1)}.*CRC`));
    fs.writeFileSync(file, 'not json');
    expect(() => NodeStorage.open(dir)).toThrow(StorageFileError);
    // A cut-short file: the header promises more data than there is.
    fs.writeFileSync(file, good.slice(0, -3));
    expect(() => NodeStorage.open(dir)).toThrow(new RegExp(`${snapshotFileName(3, 1)}.*bytes of data`));
  });

  it('writes the data after a JSON header line, as it is, and still reads version 1 files', () => {
    const { storage } = openStorage();
    storage.persist({ entries: entries(1, 5, 1) });
    const data = '{"keys":[{"key":"a\\"b","value":"é😀\\n"}]}';
    storage.compact(snapshot(3, 1, data));
    storage.close();
    const file = path.join(dir, snapshotFileName(3, 1));
    const [header, rest] = splitOnce(fs.readFileSync(file, 'utf8'), '\n');
    expect(JSON.parse(header)).toEqual({ version: 2, metadata: { index: 3, term: 1, config: { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] } }, dataCrc32c: crc32cOfText(data), dataBytes: Buffer.byteLength(data) });
    expect(rest).toBe(data);
    // The format before: one JSON object with the data as a string.
    const v1 = { version: 1, metadata: { index: 3, term: 1, config: { voters: ['n1'], learners: [], votersOutgoing: [] } }, dataCrc32c: crc32cOfText(data), data };
    fs.writeFileSync(file, JSON.stringify(v1));
    expect(openStorage().restored.snapshot).toEqual({ metadata: v1.metadata, data });
  });
});
