// The leader writes its own log in parallel with replicating it (Raft thesis §10.2.1; etcd's
// note on Ready): its Appends may leave before its fdatasync, because they promise nothing about
// its own disk. The rule that keeps that safe: the leader counts ITSELF toward a commit quorum only
// for entries the host has persisted (reported by advance()), never for entries in memory.
import { describe, expect, it } from 'vitest';
import type { Message } from './messages.ts';
import { mulberry32 } from './prng.ts';
import { RawNode } from './raw-node.ts';
import type { RaftReady } from './raw-node.ts';
import { TestNetwork } from './test-network.ts';

/** Writes a Ready to the test network's disk for `id`, as the host's persist step would. */
function persistTo(net: TestNetwork, id: string, rd: RaftReady): void {
  const disk = net.disks.get(id)!;
  const first = rd.entries[0];
  if (first !== undefined) disk.entries = [...disk.entries.filter((e) => e.index < first.index), ...rd.entries];
  if (rd.hardState) disk.hardState = rd.hardState;
}

/** Delivers what is queued, then runs every live node's host loop once; replies stay queued. */
function deliverAndPersist(net: TestNetwork): void {
  while (net.deliverOne()) {
    // the queue holds only what was put there
  }
  net.drainReady();
}

const early = (rd: RaftReady): Message[] => rd.messages.slice(0, rd.messagesBeforePersist);
const shape = (ms: readonly Message[]): string[] => ms.map((m) => `${m.type}→${m.to}`);

/**
 * Three nodes, n1 leader. n1 proposes x and takes the Ready (x not yet on its disk); its early
 * Append reaches n2, which persists x and acks; the ack reaches n1 while n1's write is still running.
 */
function leaderAckedBeforeItsOwnWrite(checkQuorum = true): { net: TestNetwork; n1: RawNode; rd: RaftReady; x: number; commitBefore: number } {
  const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false, checkQuorum });
  net.elect('n1');
  const n1 = net.node('n1');
  const commitBefore = n1.status().commit;
  expect(n1.propose('x')).toMatchObject({ ok: true });
  const rd = n1.ready();
  const x = rd.entries.at(-1)!.index;
  expect(rd.entries.map((e) => e.data)).toEqual(['x']);
  expect(rd.mustSync).toBe(true);
  expect(shape(early(rd))).toEqual(['Append→n2', 'Append→n3']);

  net.crash('n1'); // out of the network's loop while its fdatasync runs (the object lives on)
  net.queue = early(rd).filter((m) => m.to === 'n2');
  deliverAndPersist(net); // n2 persists x, then acks
  const acks = net.queue.filter((m) => m.to === 'n1');
  expect(acks).toEqual([expect.objectContaining({ type: 'AppendResponse', from: 'n2', reject: false, index: x })]);
  net.queue = [];
  for (const ack of acks) n1.step(ack);
  return { net, n1, rd, x, commitBefore };
}

describe('leader appends in parallel with its own disk write (thesis §10.2.1)', () => {
  it("a leader's Appends and Heartbeats may leave before its persist; they come first in messages", () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false });
    net.elect('n1');
    const n1 = net.node('n1');
    n1.propose('a');
    n1.tick(); // heartbeatTicks = 1: a heartbeat round too
    const rd = n1.ready();
    expect(rd.messagesBeforePersist).toBeGreaterThan(0);
    expect(new Set(early(rd).map((m) => m.type))).toEqual(new Set(['Append', 'Heartbeat']));
    expect(rd.messages.slice(rd.messagesBeforePersist)).toEqual([]);
  });

  it('leader + 1 follower of 3 does not commit until the leader has persisted the entry itself', () => {
    const { n1, rd, x, commitBefore } = leaderAckedBeforeItsOwnWrite();
    // n2's disk holds x, n1's does not yet: one durable copy of three is not a quorum.
    expect(n1.status().commit).toBe(commitBefore);
    expect(n1.status().progress['n1']).toMatchObject({ match: x - 1 });
    expect(n1.status().progress['n2']).toMatchObject({ match: x });

    // n1's fdatasync returns: now leader + n2 hold x durably, and x commits.
    n1.advance(rd);
    expect(n1.status().progress['n1']).toMatchObject({ match: x });
    expect(n1.status().commit).toBe(x);
    const next = n1.ready();
    expect(next.committedEntries.map((e) => e.data)).toEqual(['x']);
    expect(next.hardState).toMatchObject({ commit: x });
    expect(next.mustSync).toBe(false); // only the commit index moved
    // The followers learn the new commit index right away.
    expect(shape(next.messages)).toEqual(['Append→n2', 'Append→n3']);
  });

  it('a leader that crashes before its fdatasync never counted itself: x was never committed, and losing it is safe', () => {
    // (check-quorum off, so n3 will vote for the restarted n1 without waiting out its lease.)
    const { net, n1, x, commitBefore } = leaderAckedBeforeItsOwnWrite(false);
    expect(n1.status().commit).toBe(commitBefore);
    // Power cut before the write finished: n1's disk never got x.
    const n1Again = net.restart('n1');
    expect(n1Again.status().lastIndex).toBe(x - 1);
    expect(net.node('n2').status().commit).toBeLessThan(x); // nobody ever learned x as committed

    // The log may now legitimately forget x: n1 wins with n3 (equally up to date) while n2 is away,
    // and its next entry takes x's index. No node applied x, so nothing acknowledged is lost.
    net.isolate('n2');
    net.elect('n1');
    expect(net.leaders()).toEqual(['n1']);
    net.node('n1').propose('y');
    net.stabilize();
    net.heal();
    net.tick(['n1'], 3);
    for (const id of ['n1', 'n2', 'n3']) {
      expect(net.appliedData(id)).toEqual(['y']);
      expect(net.disks.get(id)!.entries.find((e) => e.index > x - 1 && e.data === 'x')).toBeUndefined();
    }
  });

  it("two followers' durable copies commit x before the leader's own write finishes (a quorum of disks is all it takes)", () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false });
    net.elect('n1');
    const n1 = net.node('n1');
    n1.propose('x');
    const rd = n1.ready();
    const x = rd.entries.at(-1)!.index;
    net.crash('n1');
    net.queue = early(rd);
    deliverAndPersist(net);
    for (const ack of net.queue.filter((m) => m.to === 'n1')) n1.step(ack);
    expect(n1.status().progress['n1']).toMatchObject({ match: x - 1 });
    expect(n1.status().commit).toBe(x);
    persistTo(net, 'n1', rd);
    n1.advance(rd);
    expect(n1.ready().committedEntries.map((e) => e.data)).toEqual(['x']);
  });

  it('nothing leaves early in a Ready that changes term or vote (a single voter elected with a learner)', () => {
    const n1 = new RawNode({
      id: 'n1', initialConfig: { voters: ['n1'], learners: ['n2'], votersOutgoing: [] },
      electionTicks: 10, heartbeatTicks: 1, random: mulberry32(1), preVote: false,
    });
    n1.advance(n1.ready());
    n1.campaign();
    const rd = n1.ready();
    expect(rd.hardState).toMatchObject({ term: 2, vote: 'n1' });
    expect(shape(rd.messages)).toEqual(['Append→n2']);
    // The Append carries term 2: it waits until term 2 is durable, or a crash could let this node
    // lead term 2 a second time with a different log.
    expect(rd.messagesBeforePersist).toBe(0);
  });

  it('a single voter commits its entry once persisted: a second Ready with only the commit (no sync needed)', () => {
    const n1 = new RawNode({ id: 'n1', initialConfig: { voters: ['n1'], learners: [], votersOutgoing: [] }, electionTicks: 10, heartbeatTicks: 1, random: mulberry32(1), preVote: false });
    n1.advance(n1.ready());
    n1.campaign();
    n1.advance(n1.ready()); // term 2 and the no-op persisted: the no-op commits
    n1.advance(n1.ready()); // apply the no-op
    n1.propose('a');
    const rd = n1.ready();
    expect(rd.entries.map((e) => e.data)).toEqual(['a']);
    expect(rd.committedEntries).toEqual([]);
    n1.advance(rd);
    const next = n1.ready();
    expect(next.committedEntries.map((e) => e.data)).toEqual(['a']);
    expect(next.entries).toEqual([]);
    expect(next.mustSync).toBe(false);
  });

  it('acknowledgements and vote grants never leave early (a follower promises its disk)', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false });
    net.elect('n1');
    net.node('n1').propose('a');
    net.drainReady();
    net.crash('n2');
    const n2 = net.restart('n2');
    while (net.queue.length > 0) {
      const m = net.queue.shift()!;
      if (m.to === 'n2') n2.step(m);
    }
    const rd = n2.ready();
    expect(rd.entries.length).toBeGreaterThan(0);
    expect(rd.messages.map((m) => m.type)).toContain('AppendResponse');
    expect(rd.messagesBeforePersist).toBe(0);

    const voter = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false }).node('n2');
    voter.advance(voter.ready());
    voter.step({ type: 'Vote', from: 'n3', to: 'n2', term: 2, lastLogIndex: 1, lastLogTerm: 1, transfer: false });
    const grant = voter.ready();
    expect(shape(grant.messages)).toEqual(['VoteResponse→n3']);
    expect(grant.messagesBeforePersist).toBe(0);
  });
});
