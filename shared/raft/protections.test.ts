// Availability protections: pre-vote (thesis 9.6), check-quorum and the lease on votes (thesis 6.2,
// 4.2.3), and the replication flow control of etcd (batching, pipelining, in-flight window).
import { describe, expect, it } from 'vitest';
import { TestNetwork } from './test-network.ts';

function ticksUntil(net: TestNetwork, ids: string[], done: () => boolean, max = 100): void {
  for (let i = 0; i < max && !done(); i++) net.tick(ids);
}

describe('disruptive follower (thesis 9.6)', () => {
  function partitionedFollower(preVote: boolean): { net: TestNetwork; termBefore: number } {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote, checkQuorum: false });
    net.elect('n1');
    const termBefore = net.node('n1').status().term;
    net.isolate('n3');
    for (let i = 0; i < 60; i++) net.tick(['n3']); // n3 times out again and again, alone
    net.heal();
    for (let i = 0; i < 3; i++) net.tick();
    return { net, termBefore };
  }

  it('without pre-vote, a rejoining follower with a raised term deposes a healthy leader', () => {
    const { net, termBefore } = partitionedFollower(false);
    expect(net.node('n3').status().term).toBeGreaterThan(termBefore + 2);
    expect(net.node('n1').status().term).toBeGreaterThan(termBefore); // the leader was forced to step down
  });

  it('with pre-vote, the rejoining follower never raised its term and the leader stays', () => {
    const { net, termBefore } = partitionedFollower(true);
    expect(net.node('n3').status().term).toBe(termBefore);
    expect(net.node('n1').status()).toMatchObject({ role: 'leader', term: termBefore });
  });
});

describe('check-quorum (thesis 6.2)', () => {
  it('a leader that hears from no quorum for an election timeout steps down', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { checkQuorum: true });
    net.elect('n1');
    net.isolate('n1');
    ticksUntil(net, ['n1'], () => net.node('n1').status().role !== 'leader', 25);
    expect(net.node('n1').status()).toMatchObject({ role: 'follower', leader: null });
    expect(net.node('n1').propose('x')).toMatchObject({ ok: false, reason: 'not-leader' });
  });

  it('without check-quorum the isolated leader keeps believing it leads', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { checkQuorum: false });
    net.elect('n1');
    net.isolate('n1');
    for (let i = 0; i < 40; i++) net.tick(['n1']);
    expect(net.node('n1').status().role).toBe('leader');
  });

  it('lease on votes: followers that hear from a live leader ignore a vote request from a higher term', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { checkQuorum: true, preVote: false });
    net.elect('n1');
    const term = net.node('n1').status().term;
    net.node('n3').campaign(); // e.g. the UI's "time out now" on a follower
    net.stabilize();
    expect(net.node('n1').status()).toMatchObject({ role: 'leader', term });
    expect(net.node('n2').status()).toMatchObject({ term, vote: 'n1' });
  });

  it('without the lease (check-quorum off), the same vote request deposes the leader', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { checkQuorum: false, preVote: false });
    net.elect('n1');
    const term = net.node('n1').status().term;
    net.node('n3').campaign();
    net.stabilize();
    expect(net.node('n3').status()).toMatchObject({ role: 'leader', term: term + 1 });
  });
});

describe('flow control (etcd progress: probe, replicate, in-flight window)', () => {
  it('batches up to maxEntriesPerMessage entries per Append', () => {
    const net = new TestNetwork(['n1', 'n2'], { maxEntriesPerMessage: 3 });
    net.elect('n1');
    net.isolate('n2');
    for (let i = 0; i < 7; i++) net.node('n1').propose(`c${i}`);
    net.stabilize();
    net.heal();
    net.delivered.length = 0;
    net.tick(['n1']);
    const sizes = net.delivered.filter((m) => m.type === 'Append' && m.entries.length > 0).map((m) => (m.type === 'Append' ? m.entries.length : 0));
    expect(Math.max(...sizes)).toBe(3);
    expect(net.appliedData('n2')).toHaveLength(7);
  });

  it('pipelines Appends in replicate state but stops at the in-flight window', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { maxInflight: 2, maxEntriesPerMessage: 1 });
    net.elect('n1');
    expect(net.node('n1').status().progress['n2']?.state).toBe('replicate');
    net.isolate('n1'); // acks never come back; the window fills
    for (let i = 0; i < 5; i++) net.node('n1').propose(`c${i}`);
    net.drainReady();
    const appends = net.queue.filter((m) => m.type === 'Append' && m.to === 'n2');
    expect(appends).toHaveLength(2);
    expect(net.node('n1').status().progress['n2']).toMatchObject({ state: 'replicate', inflight: 2 });
  });

  it('a rejected Append sends the follower back to probe; an ack moves it to replicate', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.isolate('n3');
    for (let i = 0; i < 3; i++) net.node('n1').propose(`c${i}`);
    net.stabilize();
    net.heal();
    net.node('n1').propose('d');
    net.drainReady();
    net.deliverOne(); // n2 gets the Append
    net.deliverOne(); // n3 gets an Append it cannot place: rejects
    net.drainReady();
    while (net.queue.length > 0 && !(net.queue[0]?.type === 'AppendResponse' && net.queue[0].from === 'n3')) net.queue.shift();
    net.deliverOne();
    expect(net.node('n1').status().progress['n3']?.state).toBe('probe');
    net.stabilize();
    expect(net.node('n1').status().progress['n3']?.state).toBe('replicate');
    expect(net.appliedData('n3')).toEqual(['c0', 'c1', 'c2', 'd']);
  });
});
