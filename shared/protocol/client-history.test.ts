import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../check/index.ts';
import { historyOf } from './client-history.ts';
import type { ClusterEvent } from './events.ts';

const call = (opId: number, start: number): ClusterEvent => ({ seq: opId * 10, time: start, type: 'client-call', opId, client: 'lab', op: 'put', key: 'k', value: 'v2', cas: null, start });
const done = (opId: number, op: 'put' | 'get', value: string | null, version: number, start: number, end: number): ClusterEvent => ({
  seq: opId * 10 + 1, time: end, type: 'client-op', opId, client: 'lab', op, key: 'k', value, version, cas: null, consistency: op === 'get' ? 'linearizable' : null,
  node: 'n1', outcome: 'ok', detail: '', start, end,
});

describe('client history', () => {
  it('counts a write still in flight as one that may have happened', () => {
    const events: ClusterEvent[] = [
      done(1, 'put', 'v1', 1, 0, 5),
      call(2, 10), // the write of v2 is invoked and has not answered yet...
      done(3, 'get', 'v2', 2, 12, 14), // ...but a read already sees it
    ];
    const history = historyOf(events);
    expect(history).toHaveLength(3);
    expect(history.find((op) => op.id === 2)).toMatchObject({ return: null, input: { op: 'put', value: 'v2' } });
    expect(checkLinearizability(history).ok).toBe(true);
    // Without the call, the read would look impossible.
    expect(checkLinearizability(historyOf(events.filter((e) => e.type !== 'client-call'))).ok).toBe(false);
  });

  it('uses the answer once the write finishes', () => {
    const events: ClusterEvent[] = [call(1, 0), done(1, 'put', 'v2', 1, 0, 4)];
    expect(historyOf(events)).toEqual([expect.objectContaining({ id: 1, return: 4, output: { op: 'put', ok: true, version: 1 } })]);
  });
});
