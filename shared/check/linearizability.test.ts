import { describe, expect, it } from 'vitest';
import { createPrng } from '../net/prng.ts';
import type { KvOpInput, KvOpOutput, Op } from './kv-model.ts';
import { checkLinearizability } from './linearizability.ts';
import { randomHistory } from './random-history.ts';

let nextId = 0;
const op = (client: string, call: number, ret: number | null, input: KvOpInput, output?: KvOpOutput, key = 'k'): Op => ({
  id: nextId++,
  client,
  key,
  call,
  return: ret,
  input,
  ...(output === undefined ? {} : { output }),
});
const put = (value: string, cas?: number): KvOpInput => ({ op: 'put', value, ...(cas === undefined ? {} : { cas }) });
const okPut = (version: number): KvOpOutput => ({ op: 'put', ok: true, version });
const got = (version: number, value: string | null, deleted = false): KvOpOutput => ({ op: 'get', version, deleted, value });
const GET: KvOpInput = { op: 'get' };

describe('checkLinearizability: linearizable histories', () => {
  it('accepts a sequential history with versions, cas and delete', () => {
    const history = [
      op('a', 0, 1, put('"x"', 0), okPut(1)),
      op('a', 2, 3, put('"y"', 0), { op: 'put', ok: false, current: 1 }),
      op('b', 4, 5, GET, got(1, '"x"')),
      op('b', 6, 7, { op: 'delete' }, { op: 'delete', version: 1 }),
      op('a', 8, 9, GET, got(1, null, true)),
      op('a', 10, 11, put('"z"', 0), okPut(2)),
      op('c', 12, 13, GET, got(0, null), 'other'),
    ];
    expect(checkLinearizability(history)).toMatchObject({ verdict: 'linearizable', ok: true });
  });

  it('accepts concurrent writes read in either order', () => {
    const history = [
      op('a', 0, 10, put('"a"'), okPut(2)),
      op('b', 1, 9, put('"b"'), okPut(1)),
      op('c', 2, 8, GET, got(1, '"b"')),
      op('d', 11, 12, GET, got(2, '"a"')),
    ];
    expect(checkLinearizability(history).ok).toBe(true);
  });

  it('treats a timed-out op as possibly applied, at any later time, or never', () => {
    const seen = [op('a', 0, null, put('"a"')), op('b', 50, 60, GET, got(1, '"a"'))];
    const unseen = [op('a', 0, null, put('"a"')), op('b', 50, 60, GET, got(0, null))];
    expect(checkLinearizability(seen).ok).toBe(true);
    expect(checkLinearizability(unseen).ok).toBe(true);
  });
});

describe('checkLinearizability: non-linearizable histories', () => {
  it('catches a stale read and shrinks it to the write it missed and the read', () => {
    const history = [
      op('a', 0, 10, put('"A"'), okPut(1)),
      op('c', 11, 12, GET, got(1, '"A"')),
      op('b', 20, 30, put('"B"'), okPut(2)),
      op('c', 31, 32, GET, got(2, '"B"')),
      op('d', 40, 50, GET, got(1, '"A"')),
      op('a', 60, 70, put('"C"'), okPut(3)),
    ];
    const result = checkLinearizability(history);
    expect(result.ok).toBe(false);
    if (result.verdict !== 'violation') return;
    expect(result.key).toBe('k');
    expect(result.minimalBadHistory.map((o) => o.id)).toEqual([history[2]!.id, history[4]!.id]);
    expect(result.initialState).toEqual({ version: 1, deleted: false, value: '"A"' });
    expect(result.explanation).toMatch(/Key "k" is not linearizable/);
    expect(result.explanation).toMatch(/d \[40, 50\] get → v1 "A"/);
  });

  it('catches two create-only writes that both succeeded', () => {
    const history = [op('a', 0, 10, put('"a"', 0), okPut(1)), op('b', 0, 10, put('"b"', 0), okPut(1))];
    expect(checkLinearizability(history).ok).toBe(false);
  });

  it('catches a lost write that a later read does not see, per key', () => {
    const history = [
      op('a', 0, 5, put('1'), okPut(1), 'x'),
      op('a', 0, 5, put('1'), okPut(1), 'y'),
      op('b', 6, 7, GET, got(1, '1'), 'x'),
      op('b', 8, 9, GET, got(0, null), 'y'),
    ];
    const result = checkLinearizability(history);
    expect(result).toMatchObject({ ok: false, key: 'y' });
  });

  it('shrinks an anomaly it has no name for by dropping reads and settled prefixes', () => {
    const history = [
      op('a', 0, 10, put('"A"'), okPut(1)),
      op('b', 11, 12, GET, got(1, '"A"')),
      op('a', 13, 20, put('"B"'), okPut(2)),
      op('b', 15, 16, GET, got(1, '"A"')),
      op('c', 21, 22, GET, got(2, null, true)), // deleted, though nobody deleted it
      op('b', 23, 24, GET, got(2, '"B"')),
    ];
    const result = checkLinearizability(history);
    expect(result.ok).toBe(false);
    if (result.verdict !== 'violation') return;
    expect(result.minimalBadHistory.map((o) => o.id)).toEqual([history[2]!.id, history[4]!.id]);
    expect(result.initialState.version).toBe(1);
  });

  it('rejects malformed histories with a clear error', () => {
    expect(() => checkLinearizability([op('a', 5, 3, GET, got(0, null))])).toThrow(/before its call/);
    expect(() => checkLinearizability([op('a', 5, null, GET, got(0, null))])).toThrow(/exactly when it returned/);
  });
});

describe('checkLinearizability: larger histories', () => {
  it('checks 10,000 operations of 8 clients (time printed, not asserted)', () => {
    const history = randomHistory(createPrng(1), { operations: 10_000, clients: 8, keys: 4 });
    const started = performance.now();
    const result = checkLinearizability(history);
    const elapsed = performance.now() - started;
    console.log(`linearizability: 10,000 ops, 8 clients, 4 keys checked in ${elapsed.toFixed(0)} ms`);
    expect(result.ok).toBe(true);
  });

  it('decides a long easy history with the default budget (it grows with the history)', () => {
    // 120,000 operations take about as many states as there are operations: a flat default
    // of 100,000 called this undetermined.
    const history = randomHistory(createPrng(3), { operations: 120_000, clients: 8, keys: 16 });
    const result = checkLinearizability(history);
    expect(result.verdict).toBe('linearizable');
    expect(result.statesExplored).toBeGreaterThan(100_000);
  });

  it('finds one corrupted read among thousands and shrinks it to a handful of ops', () => {
    const history = randomHistory(createPrng(2), { operations: 3_000, clients: 8, keys: 2 });
    const index = history.findIndex((o, i) => i > 2000 && o.input.op === 'get' && o.output?.op === 'get' && o.output.version > 1);
    const victim = history[index]!;
    const out = victim.output as Extract<KvOpOutput, { op: 'get' }>;
    history[index] = { ...victim, output: { ...out, version: out.version - 1, deleted: false, value: 'stale' } };
    const result = checkLinearizability(history);
    expect(result.ok).toBe(false);
    if (result.verdict !== 'violation') return;
    expect(result.key).toBe(victim.key);
    expect(result.minimalBadHistory.length).toBeLessThan(20);
    expect(result.minimalBadHistory.map((o) => o.id)).toContain(victim.id);
  });
});
