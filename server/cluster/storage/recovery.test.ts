// Crash recovery: torn tails are cut and reported, damage in the middle is an error.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptLogError, NodeStorage } from './index.ts';
import { HEADER_BYTES } from './frames.ts';
import { entries, entry, makeTempRoot, walFiles } from './test-helpers.ts';

let tmp: ReturnType<typeof makeTempRoot>;
let dir: string;

beforeEach(() => {
  tmp = makeTempRoot();
  dir = tmp.nodeDir();
});
afterEach(() => tmp.cleanup());

function withStorage<T>(fn: (s: NodeStorage, r: ReturnType<typeof NodeStorage.open>) => T, options?: { segmentBytes?: number }): T {
  const r = NodeStorage.open(dir, options);
  try {
    return fn(r.storage, r);
  } finally {
    r.storage.close();
  }
}

/** Writes 1..9 (term 1) in three batches with commits, then entry 10 alone; returns where the
 *  last record (entry 10) starts and ends in the single segment. */
function writeLog(): { file: string; start: number; end: number } {
  return withStorage((s) => {
    s.persist({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
    s.persist({ entries: entries(4, 6, 1), hardState: { term: 1, vote: 'n1', commit: 3 } });
    s.persist({ entries: entries(7, 9, 1), hardState: { term: 1, vote: 'n1', commit: 6 } });
    const start = s.describe().segments[0]!.bytes;
    s.persist({ entries: [entry(10, 1, 'the last one')] });
    const end = s.describe().segments[0]!.bytes;
    return { file: path.join(dir, walFiles(dir)[0]!), start, end };
  });
}

const expectedAfterCut = { hardState: { term: 1, vote: 'n1', commit: 6 }, entries: entries(1, 9, 1) };

describe('torn tail', () => {
  it('recovers at every cut offset inside the last record, reports it, and accepts writes after', () => {
    const { file, start, end } = writeLog();
    const full = fs.readFileSync(file);
    expect(end - start).toBeGreaterThan(HEADER_BYTES);
    for (let cut = start; cut < end; cut++) {
      fs.writeFileSync(file, full.subarray(0, cut));
      withStorage((s, { restored, recovery }) => {
        expect(restored).toEqual(expectedAfterCut);
        if (cut === start) {
          expect(recovery.tornTail).toBeNull(); // a clean record boundary is not a torn write
        } else {
          expect(recovery.tornTail).toMatchObject({ segment: path.basename(file), offset: start, bytesTruncated: cut - start });
          expect(recovery.tornTail!.reason).toMatch(cut - start < HEADER_BYTES ? /incomplete-header/ : /incomplete-record/);
        }
        expect(fs.statSync(file).size).toBe(start);
        s.persist({ entries: [entry(10, 2, `rewritten after cut ${cut}`)], hardState: { term: 2, vote: null, commit: 9 } });
      });
      withStorage((_s, { restored, recovery }) => {
        expect(recovery.tornTail).toBeNull();
        expect(restored.entries).toEqual([...entries(1, 9, 1), entry(10, 2, `rewritten after cut ${cut}`)]);
        expect(restored.hardState).toEqual({ term: 2, vote: null, commit: 9 });
      });
      // Put the hard state back for the next round (term 2 was written by the round above).
      fs.writeFileSync(path.join(dir, 'hardstate.json'), '{"version":1,"term":1,"vote":"n1"}');
    }
  });

  it('cuts a zero-filled tail (file extended, data lost)', () => {
    const { file, end } = writeLog();
    fs.appendFileSync(file, Buffer.alloc(4096));
    withStorage((_s, { restored, recovery }) => {
      expect(restored.entries).toHaveLength(10);
      expect(recovery.tornTail).toMatchObject({ offset: end, bytesTruncated: 4096 });
      expect(recovery.tornTail!.reason).toMatch(/zero-fill/);
    });
    expect(fs.statSync(file).size).toBe(end);
  });

  it('a flipped bit anywhere in the last record truncates it and is reported', () => {
    const { file, start, end } = writeLog();
    const full = fs.readFileSync(file);
    for (let at = start; at < end; at++) {
      for (const bit of [0, 7]) {
        const damaged = Buffer.from(full);
        damaged[at]! ^= 1 << bit;
        fs.writeFileSync(file, damaged);
        withStorage((_s, { restored, recovery }) => {
          expect(restored).toEqual(expectedAfterCut);
          expect(recovery.tornTail).toMatchObject({ segment: path.basename(file), offset: start, bytesTruncated: end - start });
        });
      }
    }
  });

  it('a torn last segment after rolling keeps the earlier segments', () => {
    withStorage(
      (s) => {
        for (let i = 1; i <= 40; i += 2) s.persist({ entries: entries(i, i + 1, 1) });
      },
      { segmentBytes: 512 },
    );
    const files = walFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const last = path.join(dir, files[files.length - 1]!);
    fs.truncateSync(last, fs.statSync(last).size - 3);
    withStorage(
      (_s, { restored, recovery }) => {
        expect(recovery.segments).toBe(files.length);
        expect(recovery.tornTail?.segment).toBe(files[files.length - 1]);
        expect(restored.entries).toEqual(entries(1, 39, 1));
      },
      { segmentBytes: 512 },
    );
  });
});

describe('corruption in the middle', () => {
  it('a flipped bit in a middle record throws CorruptLogError naming segment and offset', () => {
    const { file } = writeLog();
    const full = fs.readFileSync(file);
    // Record offsets: walk the frames.
    const offsets: number[] = [];
    for (let at = 0; at < full.length; at += HEADER_BYTES + full.readUInt32LE(at)) offsets.push(at);
    const victim = offsets[4]!; // entry 5, well inside the log
    for (const where of [0, 3, 4, 8, HEADER_BYTES + 2]) {
      const damaged = Buffer.from(full);
      damaged[victim + where]! ^= 0x10;
      fs.writeFileSync(file, damaged);
      let caught: unknown;
      try {
        NodeStorage.open(dir).storage.close();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(CorruptLogError);
      expect(caught).toMatchObject({ segment: path.basename(file), offset: victim });
      expect((caught as Error).message).toContain(path.basename(file));
      // Nothing was truncated: the damaged file is left for inspection.
      expect(fs.statSync(file).size).toBe(full.length);
    }
  });

  it('damage at the tail of a segment that is not the last is corruption, not a torn write', () => {
    withStorage(
      (s) => {
        for (let i = 1; i <= 40; i += 2) s.persist({ entries: entries(i, i + 1, 1) });
      },
      { segmentBytes: 512 },
    );
    const files = walFiles(dir);
    const first = path.join(dir, files[0]!);
    const size = fs.statSync(first).size;
    fs.truncateSync(first, size - 1);
    expect(() => NodeStorage.open(dir, { segmentBytes: 512 })).toThrow(CorruptLogError);
    expect(() => NodeStorage.open(dir, { segmentBytes: 512 })).toThrow(new RegExp(`${files[0]}.*not the last segment`));
  });

  it('a missing segment in the middle is reported as a gap', () => {
    withStorage(
      (s) => {
        for (let i = 1; i <= 40; i += 2) s.persist({ entries: entries(i, i + 1, 1) });
      },
      { segmentBytes: 512 },
    );
    const files = walFiles(dir);
    fs.unlinkSync(path.join(dir, files[1]!));
    expect(() => NodeStorage.open(dir, { segmentBytes: 512 })).toThrow(/expected/);
    fs.unlinkSync(path.join(dir, files[0]!));
    expect(() => NodeStorage.open(dir, { segmentBytes: 512 })).toThrow(/missing/);
  });
});
