// A page that joins late sees a key's history from the middle: it must not call that history
// non-linearizable because it never saw versions 1..8 being written.
import { describe, expect, it } from 'vitest';
import { historySince, isClientEvent, verdictOf } from './client-history.ts';
import type { ClusterEvent } from './events.ts';

type Finished = Extract<ClusterEvent, { type: 'client-op' }>;
let seq = 0;
const op = (partial: Partial<Finished> & Pick<Finished, 'opId' | 'start' | 'end'>): ClusterEvent => ({
  seq: ++seq, time: partial.end, type: 'client-op', client: 'lab', op: 'put', key: 'k', value: 'v', version: 1, cas: null, consistency: null,
  node: 'n1', outcome: 'ok', detail: '', ...partial,
});

describe('history since the page joined', () => {
  const joinedAt = 1000;
  // Keys chaos/a was written 8 times before the page joined; "fresh" is created while it watches.
  const lateKey = [
    op({ opId: 20, key: 'chaos/a', value: 'v9', version: 9, start: 1010, end: 1020 }),
    op({ opId: 21, key: 'chaos/a', op: 'get', value: 'v9', version: 9, consistency: 'linearizable', start: 1030, end: 1040 }),
  ];
  const freshKey = [
    op({ opId: 22, key: 'fresh', value: 'x', version: 1, start: 1050, end: 1060 }),
    op({ opId: 23, key: 'fresh', op: 'get', value: 'x', version: 1, consistency: 'linearizable', start: 1070, end: 1080 }),
  ];

  it('is a false "not linearizable" when the whole history is assumed', () => {
    const verdict = verdictOf([...lateKey, ...freshKey]);
    expect(verdict.kind === 'checked' && !verdict.result.ok && verdict.result.key).toBe('chaos/a');
  });

  it('judges only keys the page saw created, and names the others', () => {
    const verdict = verdictOf([...lateKey, ...freshKey], { since: joinedAt });
    expect(verdict).toMatchObject({ kind: 'checked', operations: 2, unseenKeys: ['chaos/a'], result: { ok: true } });
  });

  it('still catches a real violation on a key seen from its creation', () => {
    const stale = op({ opId: 24, key: 'fresh', op: 'get', value: null, version: 0, consistency: 'stale', start: 1090, end: 1100 });
    const verdict = verdictOf([...freshKey, stale], { since: joinedAt });
    expect(verdict.kind === 'checked' && !verdict.result.ok && verdict.result.key).toBe('fresh');
  });

  it('leaves out a key with an operation invoked before the page joined', () => {
    const early = op({ opId: 19, key: 'fresh', value: 'w', version: 1, start: 990, end: 1005 });
    expect(historySince([early, ...freshKey.slice(1)], joinedAt)).toMatchObject({ ops: [], unseenKeys: ['fresh'] });
  });

  it('reads client-call events: a write still in flight may have happened', () => {
    const call: ClusterEvent = { seq: ++seq, time: 1085, type: 'client-call', opId: 30, client: 'lab', op: 'put', key: 'fresh', value: 'y', cas: null, start: 1085 };
    const sawIt = op({ opId: 31, key: 'fresh', op: 'get', value: 'y', version: 2, consistency: 'linearizable', start: 1090, end: 1095 });
    const events = [...freshKey, call, sawIt];
    expect(events.filter(isClientEvent)).toHaveLength(4);
    expect(verdictOf(events, { since: joinedAt })).toMatchObject({ kind: 'checked', operations: 4, result: { ok: true } });
  });
});
