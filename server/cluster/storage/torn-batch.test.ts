// A crash can cut a group-commit write anywhere: inside any of its records, between two of them,
// or (after a segment roll) before the new segment has any byte. For every such cut, recovery
// keeps exactly the whole records before it, reports the rest as a torn tail, never loses a
// record made durable earlier, and the log takes writes again afterwards.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeStorage } from './index.ts';
import { HEADER_BYTES } from './frames.ts';
import { entries, entry, makeTempRoot, walFiles } from './test-helpers.ts';
import type { Entry } from '../../../shared/raft/types.ts';
import type { PersistStats } from './types.ts';

let tmp: ReturnType<typeof makeTempRoot>;
let dir: string;

beforeEach(() => {
  tmp = makeTempRoot();
  dir = tmp.nodeDir();
});
afterEach(() => tmp.cleanup());

function withStorage<T>(segmentBytes: number, fn: (s: NodeStorage, opened: ReturnType<typeof NodeStorage.open>) => T): T {
  const opened = NodeStorage.open(dir, { segmentBytes });
  try {
    return fn(opened.storage, opened);
  } finally {
    opened.storage.close();
  }
}

/** Where each frame of `file` ends, from `from` on, read from the length fields (frames.ts). */
function frameEnds(file: Buffer, from: number): number[] {
  const ends: number[] = [];
  for (let at = from; at < file.length; at = ends.at(-1)!) ends.push(at + HEADER_BYTES + file.readUInt32LE(at));
  return ends;
}

/** Durable before the write that is cut: entries 1..4 (term 1) and commit 3, in two synced batches. */
const durable = { entries: entries(1, 4, 1), commit: 3 };
function writeDurablePrefix(s: NodeStorage): void {
  s.persist({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 'n1', commit: 0 } });
  s.persist({ entries: entries(4, 4, 1), hardState: { term: 1, vote: 'n1', commit: 3 } });
}

/** The write that is cut: three records of two kinds, [entry 5][entry 6][commit 6], one fdatasync. */
function writeThreeRecords(s: NodeStorage): PersistStats {
  return s.persist({ entries: [entry(5, 1, 'five'), entry(6, 1, 'six')], hardState: { term: 1, vote: 'n1', commit: 6 } });
}

/** What recovery must find when the first `whole` records of that write reached the disk. */
function expectedWith(whole: number): { entries: Entry[]; commit: number } {
  const written = [entry(5, 1, 'five'), entry(6, 1, 'six')].slice(0, whole);
  return { entries: [...durable.entries, ...written], commit: whole === 3 ? 6 : durable.commit };
}

/**
 * Leaves `segment` holding only its first `cut` bytes, as a crash would, then checks recovery
 * against `ends` (where each record of the cut write ends, `start` where the write began).
 */
function checkCut(segmentBytes: number, segment: string, full: Buffer, start: number, ends: readonly number[], cut: number): void {
  const file = path.join(dir, segment);
  fs.writeFileSync(file, full.subarray(0, cut));
  const whole = ends.filter((end) => end <= cut).length;
  const boundary = whole === 0 ? start : ends[whole - 1]!;
  const expected = expectedWith(whole);
  withStorage(segmentBytes, (s, { restored, recovery }) => {
    expect(restored.entries, `cut at ${cut}`).toEqual(expected.entries);
    expect(restored.hardState, `cut at ${cut}`).toEqual({ term: 1, vote: 'n1', commit: expected.commit });
    if (cut === boundary) {
      expect(recovery.tornTail, `cut at ${cut}`).toBeNull(); // a record boundary is a clean end
    } else {
      expect(recovery.tornTail, `cut at ${cut}`).toMatchObject({ segment, offset: boundary, bytesTruncated: cut - boundary });
      expect(recovery.tornTail!.reason).toMatch(cut - boundary < HEADER_BYTES ? /incomplete-header/ : /incomplete-record/);
    }
    // The torn bytes are gone, so the next write starts on a record boundary.
    expect(fs.statSync(file).size, `cut at ${cut}`).toBe(boundary);
    s.persist({ entries: [entry(expected.entries.length + 1, 2, `after a cut at ${cut}`)] });
  });
  withStorage(segmentBytes, (_s, { restored, recovery }) => {
    expect(recovery.tornTail).toBeNull();
    expect(restored.entries).toEqual([...expected.entries, entry(expected.entries.length + 1, 2, `after a cut at ${cut}`)]);
  });
}

describe('a three-record write cut at every byte', () => {
  it('keeps exactly the whole records before the cut and every record durable before the write', () => {
    const segmentBytes = 1 << 20;
    const { start, stats } = withStorage(segmentBytes, (s) => {
      writeDurablePrefix(s);
      const start = s.describe().segments[0]!.bytes;
      return { start, stats: writeThreeRecords(s) };
    });
    expect(stats).toMatchObject({ records: 3, rolledSegment: false, synced: true });
    const [segment] = walFiles(dir);
    const full = fs.readFileSync(path.join(dir, segment!));
    const ends = frameEnds(full, start);
    expect(ends).toHaveLength(3);
    expect(ends.at(-1)).toBe(full.length);
    for (let cut = start; cut <= full.length; cut++) checkCut(segmentBytes, segment!, full, start, ends, cut);
  });
});

describe('a write cut across a segment roll', () => {
  /** Writes the durable prefix into one segment, then the three-record write, which rolls. */
  function writeAcrossRoll(): { segmentBytes: number; first: string; firstBytes: Buffer; second: string; full: Buffer } {
    withStorage(1 << 20, writeDurablePrefix);
    const [first] = walFiles(dir);
    const firstBytes = fs.readFileSync(path.join(dir, first!));
    // A segment limit the prefix already fills: the next write must start a new segment.
    const segmentBytes = firstBytes.length;
    const stats = withStorage(segmentBytes, writeThreeRecords);
    expect(stats).toMatchObject({ records: 3, rolledSegment: true });
    const files = walFiles(dir);
    expect(files).toHaveLength(2);
    expect(files[0]).toBe(first);
    return { segmentBytes, first: first!, firstBytes, second: files[1]!, full: fs.readFileSync(path.join(dir, files[1]!)) };
  }

  it('a cut at every byte of the new segment, from empty to whole, keeps the old segment whole', () => {
    const { segmentBytes, first, firstBytes, second, full } = writeAcrossRoll();
    const ends = frameEnds(full, 0);
    expect(ends).toHaveLength(3);
    for (let cut = 0; cut <= full.length; cut++) {
      // Restore the layout of the crash: the old segment as written, the new one cut.
      for (const name of walFiles(dir)) fs.rmSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, first), firstBytes);
      checkCut(segmentBytes, second, full, 0, ends, cut);
      expect(fs.readFileSync(path.join(dir, first)).equals(firstBytes), `cut at ${cut}: the old segment changed`).toBe(true);
    }
  });

  it('a crash before the new segment existed recovers the old segment alone, and writes roll again', () => {
    const { segmentBytes, first, firstBytes, second } = writeAcrossRoll();
    fs.rmSync(path.join(dir, second));
    withStorage(segmentBytes, (s, { restored, recovery }) => {
      expect(recovery).toMatchObject({ tornTail: null, segments: 1 });
      expect(restored.entries).toEqual(durable.entries);
      expect(restored.hardState.commit).toBe(durable.commit);
      expect(writeThreeRecords(s)).toMatchObject({ rolledSegment: true });
    });
    withStorage(segmentBytes, (_s, { restored, recovery }) => {
      expect(recovery).toMatchObject({ tornTail: null, segments: 2 });
      expect(restored.entries).toEqual(expectedWith(3).entries);
      expect(restored.hardState.commit).toBe(6);
    });
    expect(fs.readFileSync(path.join(dir, first)).equals(firstBytes)).toBe(true);
  });
});
