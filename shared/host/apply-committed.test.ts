import { describe, expect, it } from 'vitest';
import { KvStore } from '../kv/store.ts';
import { encodeCommand } from '../kv/commands.ts';
import type { Entry } from '../raft/types.ts';
import { applyCommitted, storeImage, PAGE_KEYS, type PendingProposal } from './apply-committed.ts';

const put = (index: number, term: number, key: string, value: string, cas?: number): Entry => ({
  index,
  term,
  type: 'normal',
  data: encodeCommand({ op: 'put', key, data: { value }, time: index, ...(cas !== undefined ? { cas } : {}) }),
});

function sink() {
  return { applied: [] as unknown[], outcomes: [] as { requestId: number; outcome: unknown }[], observations: [] as unknown[] };
}

describe('applyCommitted', () => {
  it('applies in order, answers the proposals it carries, and reports the keys for the page', () => {
    const kv = new KvStore();
    const pending = new Map<number, PendingProposal>([[2, { requestId: 7, term: 1 }], [3, { requestId: 8, term: 1 }]]);
    const out = sink();
    const entries: Entry[] = [{ index: 1, term: 1, type: 'noop', data: '' }, put(2, 1, 'a', 'x'), put(3, 1, 'a', 'y', 5)];
    expect(applyCommitted('n1', entries, kv, pending, (e) => ({ index: e.index, term: e.term, data: e.data }), out)).toBe(false);
    expect(kv.appliedIndex).toBe(3);
    expect(out.applied).toEqual([{ index: 2, key: 'a', value: 'x', version: 1 }]);
    expect(out.outcomes).toEqual([
      { requestId: 7, outcome: { ok: true, value: { index: 2, term: 1, key: 'a', version: 1, op: 'put' } } },
      { requestId: 8, outcome: { ok: false, code: 'conflict', error: expect.stringMatching(/asked 5, current 1/), current: 1 } },
    ]);
    expect(out.observations).toHaveLength(3);
    expect(pending.size).toBe(0);
    // Applied entries are skipped when they come again.
    expect(applyCommitted('n1', entries, kv, pending, (e) => ({ index: e.index, term: e.term, data: e.data }), sink())).toBe(false);
  });

  it("says a proposal is lost when another leader's entry took its index", () => {
    const kv = new KvStore();
    const out = sink();
    applyCommitted('n1', [put(1, 3, 'k', 'theirs')], kv, new Map([[1, { requestId: 4, term: 2 }]]), (e) => ({ index: e.index, term: e.term, data: e.data }), out);
    expect(out.outcomes).toEqual([{ requestId: 4, outcome: { ok: false, code: 'lost', error: expect.stringMatching(/taken by term 3/) } }]);
  });

  it('returns true when an entry replaced the whole store', () => {
    const image = new KvStore();
    image.apply(1, encodeCommand({ op: 'put', key: 'z', data: { v: 1 }, time: 1 }));
    const kv = new KvStore();
    const restore: Entry = { index: 1, term: 1, type: 'normal', data: encodeCommand({ op: 'restore', image: image.snapshot(), time: 2 }) };
    expect(applyCommitted('n1', [restore], kv, new Map(), (e) => ({ index: e.index, term: e.term, data: e.data }), sink())).toBe(true);
    expect(kv.get('z')?.data).toEqual({ v: 1 });
  });

  it('storeImage lists the live keys for the page, at most PAGE_KEYS of them', () => {
    const kv = new KvStore();
    let index = 0;
    for (let i = 0; i < PAGE_KEYS + 5; i++) kv.apply(++index, encodeCommand({ op: 'put', key: `k${String(i).padStart(5, '0')}`, data: { i }, time: 1 }));
    kv.apply(++index, encodeCommand({ op: 'delete', key: 'k00000', time: 2 }));
    const image = storeImage(kv);
    expect(image).toHaveLength(PAGE_KEYS - 1);
    expect(image[0]).toEqual({ index, key: 'k00001', value: '{"i":1}', version: 1 });
  });
});
