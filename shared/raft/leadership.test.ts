// Leadership transfer (thesis 3.10), ReadIndex and lease reads (thesis 6.4), proposal forwarding.
import { describe, expect, it } from 'vitest';
import { TestNetwork } from './test-network.ts';

describe('leadership transfer (thesis 3.10)', () => {
  it('catches the target up, sends TimeoutNow, and the target wins despite the lease on votes', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { checkQuorum: true });
    net.elect('n1');
    net.cutLink('n1', 'n3');
    net.node('n1').propose('a');
    net.stabilize();
    net.heal();
    net.node('n1').transferLeadership('n3');
    expect(net.node('n1').propose('b')).toMatchObject({ ok: false, reason: 'transferring' });
    net.stabilize();
    expect(net.delivered.some((m) => m.type === 'TimeoutNow' && m.to === 'n3')).toBe(true);
    expect(net.node('n3').status().role).toBe('leader');
    expect(net.node('n1').status()).toMatchObject({ role: 'follower', leader: 'n3' });
  });

  it('is aborted after an election timeout when the target does not respond', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.isolate('n3');
    net.node('n1').transferLeadership('n3');
    expect(net.node('n1').status().leadTransferee).toBe('n3');
    for (let i = 0; i < 10; i++) net.tick(['n1']);
    expect(net.node('n1').status()).toMatchObject({ role: 'leader', leadTransferee: null });
    expect(net.node('n1').propose('x').ok).toBe(true);
  });

  it('a follower forwards the request to the leader', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.node('n2').transferLeadership('n2');
    net.stabilize();
    expect(net.node('n2').status().role).toBe('leader');
  });
});

describe('ReadIndex (thesis 6.4)', () => {
  it('a new leader answers no read before committing in its term, then confirms with a heartbeat round', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.node('n1').campaign();
    net.drainReady();
    while (net.node('n1').status().role !== 'leader' && net.deliverOne()) net.drainReady();
    net.node('n1').readIndex('r1');
    net.drainReady();
    expect(net.node('n1').hasReady()).toBe(false); // no read state yet: the no-op is not committed
    const reads: string[] = [];
    while (net.deliverOne()) {
      for (const [id, node] of net.nodes) {
        while (node.hasReady()) {
          const rd = node.ready();
          for (const r of rd.readStates) reads.push(`${id}:${r.context}@${r.index}`);
          net.queue.push(...rd.messages);
          node.advance(rd);
        }
      }
    }
    const commit = net.node('n1').status().commit;
    expect(reads).toEqual([`n1:r1@${commit}`]);
    expect(net.delivered.some((m) => m.type === 'Heartbeat' && m.context === 'r1')).toBe(true);
  });

  it('a leader cut off from its quorum never answers; a follower forwards reads to the leader', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.isolate('n1');
    net.node('n1').readIndex('stale?');
    net.stabilize();
    expect(net.node('n1').hasReady()).toBe(false);
    net.heal();
    const n3 = net.node('n3');
    n3.readIndex('from-n3');
    const sent = n3.ready();
    n3.advance(sent);
    expect(sent.messages).toEqual([expect.objectContaining({ type: 'ReadIndex', to: 'n1', context: 'from-n3' })]);
    net.queue.push(...sent.messages);
    let answer: { context: string; index: number } | undefined;
    for (let i = 0; i < 10 && answer === undefined; i++) {
      net.deliverOne();
      for (const [id, node] of net.nodes) {
        while (node.hasReady()) {
          const rd = node.ready();
          if (id === 'n3') answer ??= rd.readStates[0];
          net.queue.push(...rd.messages);
          node.advance(rd);
        }
      }
    }
    expect(answer).toEqual({ context: 'from-n3', index: net.node('n1').status().commit });
  });

  it('a read without a known leader fails at once', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.node('n2').readIndex('x');
    expect(net.node('n2').ready().readFailures).toEqual([{ context: 'x', reason: 'no-leader' }]);
  });
});

describe('lease reads (thesis 6.4.1)', () => {
  it('are safe only while a quorum acknowledged a recent heartbeat, and only with check-quorum', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { checkQuorum: true });
    net.elect('n1');
    net.tick(['n1']);
    expect(net.node('n1').status().leaseReadSafe).toBe(true);
    net.isolate('n1');
    for (let i = 0; i < 9 && net.node('n1').status().leaseReadSafe; i++) net.tick(['n1']);
    expect(net.node('n1').status().leaseReadSafe).toBe(false);
    expect(net.node('n1').status().role).toBe('leader'); // still leader, but the lease has run out
    net.heal();
    net.tick(['n1']);
    expect(net.node('n1').status().leaseReadSafe).toBe(true);
    net.node('n1').setSwitches({ checkQuorum: false });
    expect(net.node('n1').status().leaseReadSafe).toBe(false);
  });
});

describe('proposal forwarding', () => {
  it('with forwardProposals a follower sends the command to the leader, which appends it', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { forwardProposals: true });
    net.elect('n1');
    expect(net.node('n2').propose('via-n2')).toEqual({ ok: false, reason: 'forwarded', leaderHint: 'n1' });
    net.stabilize();
    for (const id of ['n1', 'n2', 'n3']) expect(net.appliedData(id)).toEqual(['via-n2']);
  });
});
