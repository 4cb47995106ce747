import { describe, expect, it } from 'vitest';
import { coalesceMessages } from './coalesce.ts';
import type { AppendMessage, AppendResponseMessage, Message } from './messages.ts';
import { TestNetwork } from './test-network.ts';

const entry = (index: number, term = 2) => ({ index, term, type: 'normal' as const, data: `e${index}` });
const append = (to: string, prevIndex: number, count: number, commit: number, prevTerm = 2): AppendMessage => ({
  type: 'Append', from: 'n1', to, term: 2, prevIndex, prevTerm, entries: Array.from({ length: count }, (_, i) => entry(prevIndex + 1 + i)), commit,
});
const answer = (from: string, index: number, reject = false): AppendResponseMessage => ({
  type: 'AppendResponse', from, to: 'n1', term: 2, index, reject, conflictIndex: 0, conflictTerm: 0,
});

describe('coalesceMessages', () => {
  it('merges Appends that continue each other into one per follower, with the latest commit', () => {
    const out = coalesceMessages([append('n2', 4, 1, 3), append('n3', 4, 1, 3), append('n2', 5, 1, 3), append('n3', 5, 1, 3), append('n2', 6, 0, 5), append('n3', 6, 0, 6)], 64);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ to: 'n2', prevIndex: 4, commit: 5 });
    expect((out[0] as AppendMessage).entries.map((e) => e.index)).toEqual([5, 6]);
    expect(out[1]).toMatchObject({ to: 'n3', prevIndex: 4, commit: 6 });
  });

  it('folds a run of commit-only Appends into the last one', () => {
    const out = coalesceMessages([append('n2', 9, 0, 5), append('n2', 9, 0, 6), append('n2', 9, 0, 7)], 64);
    expect(out).toEqual([append('n2', 9, 0, 7)]);
  });

  it('keeps the bound on entries per message, gaps, other terms and whatever lies between', () => {
    expect(coalesceMessages([append('n2', 1, 1, 0), append('n2', 2, 1, 0)], 1)).toHaveLength(2);
    expect(coalesceMessages([append('n2', 1, 1, 0), append('n2', 5, 1, 0)], 64)).toHaveLength(2);
    expect(coalesceMessages([append('n2', 1, 1, 0), { ...append('n2', 2, 1, 0), term: 3 }], 64)).toHaveLength(2);
    const heartbeat: Message = { type: 'Heartbeat', from: 'n1', to: 'n2', term: 2, commit: 1, context: '', sentTick: 0 };
    expect(coalesceMessages([append('n2', 1, 1, 0), heartbeat, append('n2', 2, 1, 0)], 64)).toHaveLength(3);
  });

  it('keeps only the highest success answer per leader, and every rejection', () => {
    expect(coalesceMessages([answer('n2', 5), answer('n2', 6), answer('n2', 8)], 64)).toEqual([answer('n2', 8)]);
    expect(coalesceMessages([answer('n2', 5), answer('n2', 4, true), answer('n2', 6)], 64)).toHaveLength(3);
  });

  it('leaves every node exactly where separate delivery leaves it, with fewer messages', () => {
    const run = (coalesce: boolean) => {
      const net = new TestNetwork(['n1', 'n2', 'n3']);
      net.elect('n1');
      const before = net.delivered.length;
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 30; i++) net.node('n1').propose(`r${round}-${i}`);
        for (let step = 0; step < 50 && (net.drainReady() || net.queue.length > 0); step++) {
          if (coalesce) net.queue = coalesceMessages(net.queue, 64);
          while (net.deliverOne()) {
            // all queued, then the answers
          }
        }
      }
      net.tick(undefined, 2); // heartbeats carry the last commit index everywhere
      return { net, messages: net.delivered.length - before };
    };
    const separate = run(false);
    const merged = run(true);
    for (const id of ['n1', 'n2', 'n3']) {
      expect(merged.net.appliedData(id)).toEqual(separate.net.appliedData(id));
      expect(merged.net.disks.get(id)!.entries).toEqual(separate.net.disks.get(id)!.entries);
    }
    expect(separate.net.appliedData('n3').filter((d) => d.startsWith('r'))).toHaveLength(90);
    expect(merged.messages).toBeLessThan(separate.messages / 4);
  });
});
