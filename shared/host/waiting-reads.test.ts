import { describe, expect, it } from 'vitest';
import { serveReads, takeReadStates, type WaitingRead } from './waiting-reads.ts';

describe('waiting reads', () => {
  it('note their confirmed index, fail when refused, and are answered once the store reaches it', () => {
    const reads = new Map<string, WaitingRead & { key: string }>([
      ['n1:r1', { requestId: 1, key: 'a', index: null }],
      ['n1:r2', { requestId: 2, key: 'b', index: null }],
      ['n1:r3', { requestId: 3, key: 'c', index: null }],
    ]);
    const outcomes: { requestId: number; outcome: unknown }[] = [];
    takeReadStates({ readStates: [{ context: 'n1:r1', index: 5 }, { context: 'n1:r2', index: 9 }], readFailures: [{ context: 'n1:r3', reason: 'leadership-lost' }] }, reads, () => 'n2', outcomes);
    expect(outcomes).toEqual([{ requestId: 3, outcome: { ok: false, code: 'not-leader', leader: 'n2', error: 'read index refused: leadership-lost' } }]);
    expect([...reads.keys()]).toEqual(['n1:r1', 'n1:r2']);

    serveReads(reads, 6, (read) => ({ key: read.key, keys: [], appliedIndex: 6 }), outcomes);
    expect(outcomes.at(-1)).toEqual({ requestId: 1, outcome: { ok: true, value: { key: 'a', keys: [], appliedIndex: 6, readIndex: 5 } } });
    expect([...reads.keys()]).toEqual(['n1:r2']); // index 9 is not applied yet
    serveReads(reads, 9, (read) => ({ key: read.key, keys: [], appliedIndex: 6 }), outcomes);
    expect(reads.size).toBe(0);
  });
});
