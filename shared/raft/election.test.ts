// Leader election: Raft paper section 5.2 (and 5.4.1 for the vote restriction).
import { describe, expect, it } from 'vitest';
import type { Message } from './messages.ts';
import { RawNode } from './raw-node.ts';
import { TestNetwork } from './test-network.ts';
import { mulberry32 } from './prng.ts';
import type { Entry } from './types.ts';

const cfg3 = { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] };

function entries(terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: i + 1, term, type: 'normal' as const, data: `e${i + 1}` }));
}

describe('leader election (section 5.2)', () => {
  it('elects exactly one leader by timeout, and the leader appends a no-op of its term (section 8)', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    for (let i = 0; i < 40 && net.leaders().length === 0; i++) net.tick();
    expect(net.leaders()).toHaveLength(1);
    const leader = net.node(net.leaders()[0] ?? '').status();
    for (const id of ['n1', 'n2', 'n3']) {
      expect(net.node(id).status().term).toBe(leader.term);
      expect(net.node(id).status().leader).toBe(leader.id);
    }
    const last = net.applied.get(leader.id)?.at(-1);
    expect(last?.type).toBe('noop');
    expect(last?.term).toBe(leader.term);
  });

  it('draws randomized election timeouts from [electionTicks, 2*electionTicks) with the injected PRNG', () => {
    const seen = new Set<number>();
    const random = mulberry32(7);
    for (let i = 0; i < 200; i++) {
      const node = new RawNode({ id: 'n1', initialConfig: cfg3, electionTicks: 10, heartbeatTicks: 1, random });
      seen.add(node.status().randomizedElectionTimeout);
    }
    expect(Math.min(...seen)).toBe(10);
    expect(Math.max(...seen)).toBe(19);
  });

  it('a follower refuses a candidate whose log is less up to date (section 5.4.1)', () => {
    const net = new TestNetwork([], { preVote: false });
    const hs = { term: 2, vote: null, commit: 0 };
    net.add('n1', {}, { hardState: hs, entries: entries([1, 1]) });
    net.add('n2', {}, { hardState: hs, entries: entries([1, 2]) });
    net.add('n3', {}, { hardState: hs, entries: entries([1, 2]) });
    // Nodes restored without a config entry get it from the restored log; give them one explicitly.
    for (const id of ['n1', 'n2', 'n3']) net.crash(id);
    const withConfig = (terms: number[]): Entry[] => [
      { index: 1, term: 1, type: 'config', data: JSON.stringify({ changes: cfg3.voters.map((node) => ({ op: 'add-voter', node })) }) },
      ...entries(terms).map((e) => ({ ...e, index: e.index + 1 })),
    ];
    net.add('n1', { preVote: false }, { hardState: { ...hs, commit: 1 }, entries: withConfig([1, 1]) });
    net.add('n2', { preVote: false }, { hardState: { ...hs, commit: 1 }, entries: withConfig([1, 2]) });
    net.add('n3', { preVote: false }, { hardState: { ...hs, commit: 1 }, entries: withConfig([1, 2, 2]) });
    net.elect('n1');
    expect(net.node('n1').status().role).not.toBe('leader');
    const answers = net.delivered.filter((m): m is Extract<Message, { type: 'VoteResponse' }> => m.type === 'VoteResponse' && m.to === 'n1');
    expect(answers.map((m) => m.reject)).toEqual([true, true]);
    net.elect('n3');
    expect(net.node('n3').status().role).toBe('leader');
  });

  it('dueling candidates split the vote, then randomized timeouts elect one leader (section 5.2)', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3', 'n4'], { preVote: false });
    // Both campaign at once; n3 hears n1 first and n4 hears n2 first: 2 of 4 votes each.
    net.cutLink('n1', 'n4');
    net.cutLink('n2', 'n3');
    net.node('n1').campaign();
    net.node('n2').campaign();
    net.stabilize();
    net.heal();
    net.stabilize();
    expect(net.leaders()).toEqual([]);
    expect(net.node('n1').status().role).toBe('candidate');
    expect(net.node('n2').status().role).toBe('candidate');
    for (let i = 0; i < 60 && net.leaders().length === 0; i++) net.tick();
    expect(net.leaders()).toHaveLength(1);
    expect(net.node(net.leaders()[0] ?? '').status().term).toBeGreaterThanOrEqual(3);
  });

  it('a node grants at most one vote per term (Figure 2, RequestVote rule 2)', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false });
    net.isolate('n1');
    net.node('n2').campaign(); // n2 asks for term 2 but its messages are not delivered to n3 yet
    net.drainReady();
    net.cutLink('n2', 'n3');
    net.stabilize();
    net.node('n3').campaign(); // n3 also campaigns for term 2
    net.drainReady();
    net.heal();
    net.stabilize();
    // Exactly one of n2, n3 leads term 2: n1 voted for whichever asked first and refused the other.
    expect(net.leaders()).toHaveLength(1);
  });
});

describe('stale leader (section 5.1)', () => {
  it('ignores messages from an older term and makes the stale leader step down', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.isolate('n1');
    net.node('n3').setSwitches({ preVote: false }); // keep n3 from winning instead
    for (let i = 0; i < 40 && net.node('n2').status().role !== 'leader'; i++) net.tick(['n2', 'n3']);
    expect(net.node('n2').status().role).toBe('leader');
    expect(net.node('n1').status().role).toBe('leader'); // it does not know yet
    const staleTerm = net.node('n1').status().term;
    expect(net.node('n1').propose('lost').ok).toBe(true);
    net.heal();
    net.tick(['n1']); // the stale leader's heartbeat reaches n2 and n3
    expect(net.node('n1').status().role).toBe('follower');
    expect(net.node('n1').status().term).toBeGreaterThan(staleTerm);
    net.node('n2').propose('kept');
    net.tick(['n2']); // the next heartbeat round finds n1 and repairs its log
    net.stabilize();
    for (const id of ['n1', 'n2', 'n3']) expect(net.appliedData(id)).toEqual(['kept']);
  });
});
