import { describe, expect, it } from 'vitest';
import { CommandError } from '../protocol/commands.ts';
import type { UnstampedEvent } from '../protocol/events.ts';
import { recordClientOp, type ClientOpBase } from './client-op-record.ts';

function host() {
  let now = 100;
  const events: UnstampedEvent[] = [];
  return { events, host: { now: () => (now += 5), emit: (event: UnstampedEvent) => void events.push(event) } };
}

const put: ClientOpBase = { op: 'put', key: 'k', value: 'v', cas: null, consistency: null, node: null };

describe('recordClientOp', () => {
  it('records the call, then the answer with its version and node, without the detail line', () => {
    const { events, host: h } = host();
    const op = recordClientOp(h, 'lab-1', 3, put, 'put k = v');
    expect(op.succeeded({ version: 2, node: 'n1', detail: 'put k = v: committed at index 9' })).toEqual({ version: 2, node: 'n1' });
    expect(events).toEqual([
      { type: 'client-call', opId: 3, client: 'lab-1', op: 'put', key: 'k', value: 'v', cas: null, start: 105 },
      { type: 'client-op', opId: 3, client: 'lab-1', ...put, version: 2, node: 'n1', outcome: 'ok', detail: 'put k = v: committed at index 9', start: 105, end: 110 },
    ]);
  });

  it('a write with no answer in time is "unknown", a read "failed"; a bug is not history', () => {
    const { events, host: h } = host();
    recordClientOp(h, 'c', 1, put, 'put k = v').failed(new CommandError('timeout', 'no answer in time'));
    recordClientOp(h, 'c', 2, { ...put, op: 'get', value: null, consistency: 'linearizable' }, 'get k').failed(new CommandError('timeout', 'no answer in time'));
    recordClientOp(h, 'c', 3, put, 'put k = v').failed(new TypeError('bug'));
    expect(events.filter((e) => e.type === 'client-op').map((e) => (e.type === 'client-op' ? [e.opId, e.outcome, e.detail] : []))).toEqual([
      [1, 'unknown', 'put k = v: no answer in time'],
      [2, 'failed', 'get k: no answer in time'],
    ]);
  });
});
