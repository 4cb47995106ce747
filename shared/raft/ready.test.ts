// Ready/advance and durability: Figure 2's "persistent state" and the host loop in types.ts.
import { describe, expect, it } from 'vitest';
import type { Message } from './messages.ts';
import { mulberry32 } from './prng.ts';
import { RawNode } from './raw-node.ts';
import { TestNetwork } from './test-network.ts';

const cfg3 = { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] };

function node(id: string, restored?: ConstructorParameters<typeof RawNode>[1], bugs = {}): RawNode {
  return new RawNode({ id, initialConfig: cfg3, electionTicks: 10, heartbeatTicks: 1, random: mulberry32(1), preVote: false, bugs }, restored);
}

const voteFrom = (from: string, term: number): Message => ({ type: 'Vote', from, to: 'n1', term, lastLogIndex: 1, lastLogTerm: 1, transfer: false });

describe('Ready and advance', () => {
  it('a fresh bootstrapped node persists its config entry and hard state first', () => {
    const n = node('n1');
    expect(n.hasReady()).toBe(true);
    const rd = n.ready();
    expect(rd.entries.map((e) => `${e.index}/${e.term} ${e.type}`)).toEqual(['1/1 config']);
    expect(rd.hardState).toEqual({ term: 1, vote: null, commit: 1 });
    expect(rd.mustSync).toBe(true);
    n.advance(rd);
    expect(n.hasReady()).toBe(false);
    expect(n.status()).toMatchObject({ applied: 1, config: cfg3 });
  });

  it('a vote grant comes in the same Ready as the durable vote, to be sent after persisting (Figure 2)', () => {
    const n = node('n1');
    n.advance(n.ready());
    n.step(voteFrom('n2', 2));
    const rd = n.ready();
    expect(rd.hardState).toEqual({ term: 2, vote: 'n2', commit: 1 });
    expect(rd.mustSync).toBe(true);
    expect(rd.sendBeforePersist).toBe(false);
    expect(rd.messages).toEqual([{ type: 'VoteResponse', from: 'n1', to: 'n2', term: 2, reject: false }]);
  });

  it('the ackBeforePersist bug asks the host to send before persisting', () => {
    const n = node('n1', undefined, { ackBeforePersist: true });
    n.advance(n.ready());
    n.step(voteFrom('n2', 2));
    expect(n.ready().sendBeforePersist).toBe(true);
  });

  it('never throws on stale, misaddressed or unexpected messages', () => {
    const n = node('n1');
    n.advance(n.ready());
    const odd: Message[] = [
      { type: 'AppendResponse', from: 'n9', to: 'n1', term: 1, reject: false, index: 99, conflictIndex: 0, conflictTerm: 0 },
      { type: 'Append', from: 'n2', to: 'n7', term: 5, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 },
      { type: 'HeartbeatResponse', from: 'n2', to: 'n1', term: 0 + 1, context: 'x', sentTick: 3, lastIndex: 0 },
      { type: 'Append', from: 'n2', to: 'n1', term: 1, prevIndex: 50, prevTerm: 9, entries: [], commit: 60 },
      { type: 'ReadIndexResponse', from: 'n2', to: 'n1', term: 0, context: 'c', index: 4, ok: true },
    ];
    for (const m of odd) expect(() => n.step(m)).not.toThrow();
    expect(n.status().commit).toBe(1);
  });
});

describe('restart from persisted state (Figure 2: currentTerm, votedFor, log[] are persistent)', () => {
  it('recovers term, vote and log, and will not vote twice in a term', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false });
    net.elect('n1');
    net.node('n1').propose('a');
    net.stabilize();
    const before = net.node('n2').status();
    net.crash('n2');
    const n2 = net.restart('n2');
    const after = n2.status();
    expect(after).toMatchObject({ term: before.term, vote: before.vote, lastIndex: before.lastIndex, role: 'follower', config: before.config });
    net.stabilize(); // the host re-applies the committed log to rebuild its state machine
    expect(net.appliedData('n2')).toEqual(['a']);
    // n3 asks n2 for a vote in the term n2 already voted in: refused.
    n2.step({ type: 'Vote', from: 'n3', to: 'n2', term: before.term, lastLogIndex: 99, lastLogTerm: 99, transfer: false });
    const rd = n2.ready();
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'VoteResponse', reject: true })]);
  });

  it('forgetVoteOnRestart lets a node vote twice in one term (so two leaders can win it)', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false, checkQuorum: false, bugs: { forgetVoteOnRestart: true } });
    net.isolate('n3');
    net.elect('n1'); // term 2: n1 with n2's vote
    expect(net.node('n1').status()).toMatchObject({ role: 'leader', term: 2 });
    net.crash('n2');
    net.restart('n2'); // the bug: n2 forgets it voted for n1 in term 2
    // n3 asks n2 for its vote in the same term 2.
    const n2 = net.node('n2');
    n2.step({ type: 'Vote', from: 'n3', to: 'n2', term: 2, lastLogIndex: 99, lastLogTerm: 99, transfer: false });
    const rd = n2.ready();
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'VoteResponse', term: 2, reject: false })]);
    expect(rd.hardState?.vote).toBe('n3'); // second vote in term 2
  });
});
