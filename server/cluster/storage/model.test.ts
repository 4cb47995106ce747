// Randomized model check: long seeded sequences of appends, overwrites, commits, compactions,
// snapshot installs and restarts, with tiny segments so rolling and segment deletion happen
// constantly. After every restart the restored state must equal a plain in-memory model.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../../shared/raft/types.ts';
import { NodeStorage } from './index.ts';
import { makeTempRoot, snapshot, walFiles } from './test-helpers.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let tmp: ReturnType<typeof makeTempRoot>;
beforeEach(() => {
  tmp = makeTempRoot();
});
afterEach(() => tmp.cleanup());

describe('model check', () => {
  // 142 found a replay bug (a kept-log snapshot record at the head of the WAL after compaction).
  for (const seed of [1, 2, 3, 4, 5, 6, 142]) {
    it(`seed ${seed}: restored state always equals the model`, () => {
      const rnd = mulberry32(seed);
      const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
      const dir = tmp.nodeDir(`n${seed}`);
      const opts = { segmentBytes: 300 + int(0, 400) };
      let storage = NodeStorage.open(dir, opts).storage;

      // The model.
      let snap: { index: number; term: number; data: string } | null = null;
      let log: Entry[] = [];
      let term = 1;
      let commit = 0;
      let serial = 0;
      const snapIndex = () => snap?.index ?? 0;
      const last = () => snapIndex() + log.length;
      const termAt = (i: number) => (i === snapIndex() ? snap?.term : log[i - snapIndex() - 1]?.term);
      const mk = (from: number, n: number): Entry[] =>
        Array.from({ length: n }, (_, k) => ({ index: from + k, term, type: 'normal' as const, data: `e${from + k}-${serial++}` }));
      const hs = () => ({ term, vote: `n${term % 3}`, commit });

      try {
        storage.persist({ entries: [], hardState: hs() }); // the node's first election
        for (let step = 0; step < 300; step++) {
          const op = rnd();
          if (op < 0.4) {
            const es = mk(last() + 1, int(1, 5));
            const oldCommit = commit;
            if (rnd() < 0.5) commit = int(commit, last());
            const segsBefore = storage.describe().segments;
            storage.persist({ entries: es, hardState: hs() });
            log.push(...es);
            if (rnd() < 0.15) {
              // Crash in the middle of this batch's write: cut its bytes at a random point.
              const segs = storage.describe().segments;
              const tail = segs[segs.length - 1]!;
              const prevTail = segsBefore[segsBefore.length - 1];
              const start = prevTail?.name === tail.name ? prevTail.bytes : 0;
              const cut = int(start, tail.bytes - 1);
              storage.close();
              fs.truncateSync(path.join(dir, tail.name), cut);
              const r = NodeStorage.open(dir, opts);
              storage = r.storage;
              const torn = r.recovery.tornTail;
              if (cut === start) expect(torn).toBeNull(); // a cut on a record boundary is not torn
              if (torn) {
                expect(torn.segment).toBe(tail.name);
                expect(torn.offset).toBeGreaterThanOrEqual(start);
                expect(torn.offset + torn.bytesTruncated).toBe(cut);
              }
              const kept = r.restored.entries.length - (log.length - es.length);
              expect(kept).toBeGreaterThanOrEqual(0);
              expect(kept).toBeLessThan(es.length + 1);
              log = log.slice(0, log.length - es.length + kept);
              commit = oldCommit;
              expect(r.restored.entries).toEqual(log);
              expect(r.restored.hardState).toEqual(hs());
            }
          } else if (op < 0.55 && last() > commit) {
            // A new leader overwrites the uncommitted suffix.
            term++;
            const from = int(Math.max(commit, snapIndex()) + 1, last());
            const es = mk(from, int(1, 4));
            storage.persist({ entries: es, hardState: hs() });
            log = [...log.slice(0, from - snapIndex() - 1), ...es];
          } else if (op < 0.65 && commit > snapIndex()) {
            const at = int(snapIndex() + 1, commit);
            const t = termAt(at)!;
            storage.compact(snapshot(at, t, `local@${at}`));
            log = log.slice(at - snapIndex());
            snap = { index: at, term: t, data: `local@${at}` };
          } else if (op < 0.72) {
            // InstallSnapshot from a leader: sometimes matching the log, sometimes not.
            const at = int(Math.max(snapIndex(), commit) + 1, last() + 8);
            const matches = at <= last() && rnd() < 0.5;
            if (!matches) term++;
            const t = matches ? termAt(at)! : term;
            commit = Math.max(commit, at);
            storage.persist({ entries: [], snapshot: snapshot(at, t, `leader@${at}`), hardState: hs() });
            log = matches ? log.slice(at - snapIndex()) : [];
            snap = { index: at, term: t, data: `leader@${at}` };
          } else if (op < 0.85) {
            storage.close();
            const r = NodeStorage.open(dir, opts);
            storage = r.storage;
            expect(r.recovery.tornTail).toBeNull();
            expect(r.restored.entries).toEqual(log);
            expect(r.restored.hardState).toEqual(hs());
            expect(r.restored.snapshot ? { ...r.restored.snapshot.metadata, data: r.restored.snapshot.data } : null).toEqual(
              snap ? { index: snap.index, term: snap.term, config: snapshot(0, 0).metadata.config, data: snap.data } : null,
            );
          }
          const d = storage.describe();
          expect(d.log).toEqual({ firstIndex: snapIndex() + 1, lastIndex: last(), lastTerm: termAt(last()) ?? 0 });
          expect(walFiles(dir)).toEqual(d.segments.map((s) => s.name));
        }
      } finally {
        storage.close();
      }
    });
  }
});
