// Anomalies the checker must reject that its other tests did not name. Each comes with the same
// history minus the lie, which must be accepted: the rejection is then due to that one answer.
import { describe, expect, it } from 'vitest';
import type { KvOpInput, KvOpOutput, Op } from './kv-model.ts';
import { checkLinearizability } from './linearizability.ts';

let nextId = 0;
const op = (client: string, call: number, ret: number | null, input: KvOpInput, output?: KvOpOutput): Op => ({
  id: nextId++,
  client,
  key: 'k',
  call,
  return: ret,
  input,
  ...(output === undefined ? {} : { output }),
});
const GET: KvOpInput = { op: 'get' };
const read = (version: number, value: string | null): KvOpOutput => ({ op: 'get', version, deleted: false, value });

describe('checkLinearizability: unknown outcomes, refused cas, reads from nowhere', () => {
  it('rejects a timed-out write that a read saw and a later read no longer sees', () => {
    const lost = op('a', 0, null, { op: 'put', value: '"x"' });
    const saw = op('b', 10, 11, GET, read(1, '"x"'));
    const unseen = op('c', 20, 21, GET, read(0, null));
    // Once any client saw it, it took effect: it cannot be undone for a later reader.
    const result = checkLinearizability([lost, saw, unseen]);
    expect(result.ok).toBe(false);
    if (result.verdict === 'violation') expect(result.minimalBadHistory.map((o) => o.id).sort()).toEqual([lost.id, saw.id, unseen.id].sort());
    // Unseen first, then seen, is fine: it took effect in between.
    expect(checkLinearizability([lost, { ...unseen, call: 10, return: 11 }, { ...saw, call: 20, return: 21 }]).ok).toBe(true);
  });

  it('rejects a refused check-and-set that reports a wrong current version', () => {
    const write = op('a', 0, 1, { op: 'put', value: '"x"' }, { op: 'put', ok: true, version: 1 });
    const refused = (current?: number) => op('b', 2, 3, { op: 'put', value: '"y"', cas: 5 }, { op: 'put', ok: false, ...(current === undefined ? {} : { current }) });
    expect(checkLinearizability([write, refused(2)]).ok).toBe(false);
    expect(checkLinearizability([write, refused(0)]).ok).toBe(false);
    expect(checkLinearizability([write, refused(1)]).ok).toBe(true);
    expect(checkLinearizability([write, refused()]).ok).toBe(true); // a recorder that did not learn the version
  });

  it('rejects a read of a value that had not been written yet', () => {
    const early = op('a', 0, 1, GET, read(1, '"x"'));
    const write = (call: number) => op('b', call, call + 1, { op: 'put', value: '"x"' }, { op: 'put', ok: true, version: 1 });
    expect(checkLinearizability([early, write(5)]).ok).toBe(false);
    expect(checkLinearizability([early, write(1)]).ok).toBe(true); // touching: concurrent, may be first
    // A value nobody ever writes is no better.
    expect(checkLinearizability([early]).ok).toBe(false);
  });
});

describe('checkLinearizability: reads that contradict themselves', () => {
  it('rejects a read that says the key is missing or deleted yet returns a value', () => {
    const write = op('a', 0, 1, { op: 'put', value: '"x"' }, { op: 'put', ok: true, version: 1 });
    const deletion = op('a', 2, 3, { op: 'delete' }, { op: 'delete', version: 1 });
    const afterDelete = (value: string | null) => op('b', 4, 5, GET, { op: 'get', version: 1, deleted: true, value });
    expect(checkLinearizability([write, deletion, afterDelete('"x"')]).ok).toBe(false);
    expect(checkLinearizability([write, deletion, afterDelete(null)]).ok).toBe(true);
    expect(checkLinearizability([op('b', 0, 1, GET, read(0, '"x"'))]).ok).toBe(false);
    expect(checkLinearizability([op('b', 0, 1, GET, read(0, null))]).ok).toBe(true);
  });
});
