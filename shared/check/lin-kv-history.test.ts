// Maelstrom lin-kv histories (a foreign cluster's) through the same checker: writes and cas by
// value answered without versions, reads that answer a value. Each case is a known verdict.
import { describe, expect, it } from 'vitest';
import { checkLinearizability, type Op } from './index.ts';

let nextId = 1;
const write = (value: string, call: number, ret: number | null, client = 'c1'): Op =>
  ret === null ? { id: nextId++, client, key: 'k', call, return: null, input: { op: 'put', value } } : { id: nextId++, client, key: 'k', call, return: ret, input: { op: 'put', value }, output: { op: 'written' } };
const cas = (from: string, to: string, call: number, ret: number, ok: boolean): Op => ({
  id: nextId++, client: 'c2', key: 'k', call, return: ret, input: { op: 'put', value: to, from }, output: ok ? { op: 'written' } : { op: 'put', ok: false },
});
const read = (value: string | null, call: number, ret: number): Op => ({ id: nextId++, client: 'c3', key: 'k', call, return: ret, input: { op: 'get' }, output: { op: 'value', value } });

describe('lin-kv histories', () => {
  it('a write, a cas from its value and reads in order are linearizable', () => {
    expect(checkLinearizability([read(null, 0, 1), write('1', 2, 3), cas('1', '2', 4, 5, true), read('2', 6, 7)]).verdict).toBe('linearizable');
  });

  it('a read that misses an acknowledged write is a violation', () => {
    expect(checkLinearizability([write('1', 0, 1), read(null, 2, 3)]).verdict).toBe('violation');
  });

  it('a cas that applied on a key that never held its "from" is a violation; refused when it did not hold it is fine', () => {
    expect(checkLinearizability([write('1', 0, 1), cas('9', '2', 2, 3, true)]).verdict).toBe('violation');
    expect(checkLinearizability([write('1', 0, 1), cas('9', '2', 2, 3, false), read('1', 4, 5)]).verdict).toBe('linearizable');
    // Refused although the key held "from" the whole time: the store lied.
    expect(checkLinearizability([write('1', 0, 1), cas('1', '2', 2, 3, false), read('1', 4, 5)]).verdict).toBe('violation');
  });

  it('a cas whose "from" was written only by a write nobody read still finds it (no placeholder swallows it)', () => {
    expect(checkLinearizability([write('a', 0, 1), cas('a', 'b', 2, 3, true), read('b', 4, 5)]).verdict).toBe('linearizable');
  });

  it('concurrent writes may land in either order, but reads must agree on one', () => {
    expect(checkLinearizability([write('a', 0, 10), write('b', 0, 10, 'c4'), read('a', 11, 12), read('a', 13, 14)]).verdict).toBe('linearizable');
    expect(checkLinearizability([write('a', 0, 10), write('b', 0, 10, 'c4'), read('a', 11, 12), read('b', 13, 14), read('a', 15, 16)]).verdict).toBe('violation');
  });

  it('a write that timed out may have happened, or not', () => {
    expect(checkLinearizability([write('1', 0, 1), write('2', 2, null), read('2', 5, 6), read('2', 7, 8)]).verdict).toBe('linearizable');
    expect(checkLinearizability([write('1', 0, 1), write('2', 2, null), read('1', 5, 6)]).verdict).toBe('linearizable');
  });
});

describe('a lin-kv history seen from the middle', () => {
  it('judges a key once a read saw it absent, and leaves alone a key it never saw empty', async () => {
    const { historySince } = await import('../protocol/client-history.ts');
    const event = (opId: number, op: 'put' | 'get', key: string, value: string | null, start: number) => ({
      type: 'client-op' as const, opId, client: 'c1', op, key, value, version: null, cas: null, consistency: null, node: 'n1', linKv: true as const, from: null,
      outcome: 'ok' as const, detail: '', start, end: start + 1, seq: opId, time: start + 1,
    });
    const { ops, unseenKeys } = historySince([event(1, 'get', 'a', null, 10), event(2, 'put', 'a', 'x', 12), event(3, 'put', 'b', 'y', 14)], 5);
    expect(ops.map((op) => op.key)).toEqual(['a', 'a']);
    expect(unseenKeys).toEqual(['b']);
  });
});
