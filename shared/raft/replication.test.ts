// Log replication: Raft paper section 5.3 (Figure 7) and the commit rule of 5.4.2 (Figure 8).
import { describe, expect, it } from 'vitest';
import type { Message } from './messages.ts';
import { TestNetwork, figureLog, logShape } from './test-network.ts';

const five = ['n1', 'n2', 'n3', 'n4', 'n5'];

describe('log replication (section 5.3)', () => {
  it('replicates proposals to every follower and applies them in order once committed by a majority', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    for (const cmd of ['a', 'b', 'c']) expect(net.node('n1').propose(cmd).ok).toBe(true);
    net.stabilize();
    for (const id of ['n1', 'n2', 'n3']) expect(net.appliedData(id)).toEqual(['a', 'b', 'c']);
  });

  it('does not commit without a majority', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    const before = net.node('n1').status().commit;
    net.isolate('n1');
    const outcome = net.node('n1').propose('x');
    net.stabilize();
    expect(outcome.ok).toBe(true);
    expect(net.node('n1').status().commit).toBe(before);
    expect(net.appliedData('n1')).toEqual([]);
  });

  it('refuses proposals on a follower with not-leader and a leader hint', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    expect(net.node('n2').propose('x')).toEqual({ ok: false, reason: 'not-leader', leaderHint: 'n1' });
  });

  it('Figure 7: a new leader brings followers (a)-(f) to its own log, truncating conflicts', () => {
    const ids = ['leader', 'a', 'b', 'c', 'd', 'e', 'f'];
    const figure: Record<string, number[]> = {
      leader: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
      a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
      b: [1, 1, 1, 4],
      c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
      d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
      e: [1, 1, 1, 4, 4, 4, 4],
      f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    };
    const net = new TestNetwork([]);
    for (const id of ids) net.add(id, {}, { hardState: { term: 7, vote: null, commit: 1 }, entries: figureLog(ids, figure[id] ?? []) });
    net.elect('leader');
    expect(net.node('leader').status()).toMatchObject({ role: 'leader', term: 8 });
    net.node('leader').propose('next');
    net.stabilize();
    const expected = '1/1 2/1 3/1 4/4 5/4 6/5 7/5 8/6 9/6 10/6 11/8 12/8';
    for (const id of ids) expect(logShape(net, id)).toBe(expected);
    for (const id of ids) expect(net.node(id).status().commit).toBe(12);
  });

  it('fast backtracking: follower (f) of Figure 7 is found in one rejection, not one per entry', () => {
    const ids = ['leader', 'a', 'f'];
    const net = new TestNetwork([]);
    net.add('leader', {}, { hardState: { term: 7, vote: null, commit: 1 }, entries: figureLog(ids, [1, 1, 1, 4, 4, 5, 5, 6, 6, 6]) });
    net.add('a', {}, { hardState: { term: 7, vote: null, commit: 1 }, entries: figureLog(ids, [1, 1, 1, 4, 4, 5, 5, 6, 6]) });
    net.add('f', {}, { hardState: { term: 7, vote: null, commit: 1 }, entries: figureLog(ids, [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]) });
    net.elect('leader');
    const rejections = net.delivered.filter((m) => m.type === 'AppendResponse' && m.from === 'f' && m.reject);
    expect(rejections).toHaveLength(1); // naive backtracking would need 7 (indexes 10 down to 4)
    expect(logShape(net, 'f')).toBe(logShape(net, 'leader'));
  });
});

describe('Figure 8: committing entries from previous terms (section 5.4.2)', () => {
  // (a)-(b): n1 led term 2 and stored 2/2 on n2; n5 led term 3 and stored 2/3 only locally.
  function figure8(bugs: { commitByCounting: boolean }): TestNetwork {
    const net = new TestNetwork([]);
    const logs: Record<string, number[]> = { n1: [1, 2], n2: [1, 2], n3: [1], n4: [1], n5: [1, 3] };
    for (const id of five) {
      net.add(id, { preVote: false, checkQuorum: false, maxEntriesPerMessage: 1, bugs }, { hardState: { term: 3, vote: null, commit: 1 }, entries: figureLog(five, logs[id] ?? []) });
    }
    // (c): n1 is elected in term 4 by n2 and n3, and copies 2/2 to n3; its own 3/4 does not reach n3.
    net.cutLink('n1', 'n4');
    net.cutLink('n1', 'n5');
    // (The first probe to n3 carries 3/4 too, but n3 rejects it anyway: it lacks index 2.)
    const n3HasIndex2 = () => net.node('n3').status().lastIndex >= 2;
    net.filter = (m: Message) => !(m.type === 'Append' && m.to === 'n3' && m.entries.some((e) => e.term === 4) && n3HasIndex2());
    net.node('n1').campaign();
    return net;
  }

  function deliverUntil(net: TestNetwork, done: () => boolean): void {
    net.drainReady();
    while (!done() && net.deliverOne()) net.drainReady();
  }

  it('with commitByCounting, an old-term entry on a majority is "committed", then overwritten by n5', () => {
    const net = figure8({ commitByCounting: true });
    deliverUntil(net, () => net.node('n1').status().commit >= 2);
    expect(net.node('n1').status()).toMatchObject({ role: 'leader', term: 4, commit: 2 });
    net.drainReady(); // n1 applies 2/2: a client was told "committed"
    expect(net.appliedData('n1')).toEqual(['e2t2']);
    // (d): n1 crashes before telling anyone; n5 wins term 5 with n3 and n4 and overwrites index 2.
    net.crash('n1');
    net.queue = net.queue.filter((m) => m.from !== 'n1');
    net.heal();
    net.node('n5').campaign(); // term 4: n2 and n3 already voted for n1
    net.stabilize();
    net.node('n5').campaign(); // term 5: n3 and n4 see a log ending in term 3 > 2 and vote for n5
    net.stabilize();
    expect(net.node('n5').status()).toMatchObject({ role: 'leader', term: 5 });
    for (const id of ['n2', 'n3', 'n4', 'n5']) expect(net.appliedData(id)).toEqual(['e2t3']); // index 2 differs from n1's
  });

  it('without the bug, 2/2 is not committed by counting; it commits only with an entry of term 4', () => {
    const net = figure8({ commitByCounting: false });
    deliverUntil(net, () => net.node('n1').status().progress['n3']?.match === 2);
    net.stabilize();
    expect(net.node('n1').status().progress['n3']?.match).toBe(2); // 2/2 is on n1, n2, n3: a majority
    expect(net.node('n1').status().commit).toBe(1);
    expect(net.appliedData('n1')).toEqual([]);
    // (e): once 3/4 reaches a majority, 2/2 commits with it, and n5 can no longer be elected.
    net.filter = () => true;
    net.tick(['n1']);
    expect(net.node('n1').status().commit).toBe(3);
    expect(net.appliedData('n1')).toEqual(['e2t2']);
    net.crash('n1');
    net.heal();
    for (let i = 0; i < 3; i++) {
      net.node('n5').campaign();
      net.stabilize();
      expect(net.node('n5').status().role).not.toBe('leader');
    }
  });
});
