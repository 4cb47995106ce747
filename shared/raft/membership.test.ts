// Membership changes: Raft thesis chapter 4 (learners 4.2.1, removing the leader 4.2.2, joint
// consensus 4.3) and the bug fix of 4.1 (a leader commits in its own term before changing).
import { describe, expect, it } from 'vitest';
import { describeEntry } from './describe.ts';
import { TestNetwork } from './test-network.ts';

function settle(net: TestNetwork, ticks = 3): void {
  for (let i = 0; i < ticks; i++) net.tick(['n1']);
}

describe('learners (thesis 4.2.1)', () => {
  it('a new node without config waits to be contacted; it never campaigns', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    const n4 = net.add('n4');
    for (let i = 0; i < 50; i++) net.tick(['n4']);
    expect(n4.status()).toMatchObject({ role: 'follower', term: 0, lastIndex: 0, config: { voters: [] } });
  });

  it('a learner catches up without counting for quorum, then is promoted to voter', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.node('n1').propose('before');
    net.stabilize();
    net.add('n4');
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'add-learner', node: 'n4' }] }).ok).toBe(true);
    net.stabilize();
    settle(net);
    expect(net.appliedData('n4')).toEqual(['before']);
    expect(net.node('n4').status().config).toMatchObject({ voters: ['n1', 'n2', 'n3'], learners: ['n4'] });
    // Learners do not count: with n2 and n3 cut off, n1 + n4 commit nothing.
    net.cutLink('n1', 'n2');
    net.cutLink('n1', 'n3');
    const commit = net.node('n1').status().commit;
    net.node('n1').propose('needs-voters');
    settle(net);
    expect(net.node('n1').status().commit).toBe(commit);
    expect(net.node('n4').status().lastIndex).toBe(commit + 1); // yet the learner has it
    for (let i = 0; i < 40; i++) net.tick(['n4']);
    expect(net.node('n4').status().role).toBe('follower'); // learners never campaign
    net.heal();
    settle(net);
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'promote-learner', node: 'n4' }] }).ok).toBe(true);
    net.stabilize();
    settle(net);
    for (const id of ['n1', 'n2', 'n3', 'n4']) {
      expect(net.node(id).status().config).toEqual({ voters: ['n1', 'n2', 'n3', 'n4'], learners: [], votersOutgoing: [] });
    }
  });
});

describe('one change at a time (thesis 4.1)', () => {
  it('refuses a second change until the first is applied', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'add-learner', node: 'n4' }] }).ok).toBe(true);
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'add-learner', node: 'n5' }] })).toMatchObject({ ok: false, reason: 'conf-change-pending' });
    net.stabilize();
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'add-learner', node: 'n5' }] }).ok).toBe(true);
  });

  it('a new leader accepts no change before it has committed an entry of its own term', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.node('n1').campaign();
    net.drainReady();
    while (net.node('n1').status().role !== 'leader' && net.deliverOne()) net.drainReady();
    expect(net.node('n1').status().role).toBe('leader');
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'add-learner', node: 'n4' }] })).toMatchObject({ ok: false, reason: 'no-commit-in-term' });
    net.stabilize();
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'add-learner', node: 'n4' }] }).ok).toBe(true);
  });

  it('rejects changes that make no sense', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    expect(net.node('n1').proposeConfChange({ changes: [{ op: 'promote-learner', node: 'n9' }] })).toMatchObject({ ok: false, reason: 'invalid-conf-change' });
    expect(net.node('n2').proposeConfChange({ changes: [{ op: 'add-voter', node: 'n4' }] })).toMatchObject({ ok: false, reason: 'not-leader', leaderHint: 'n1' });
  });
});

describe('joint consensus (thesis 4.3)', () => {
  it('replaces the leader: enter joint, leave joint automatically, the removed leader steps down', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.add('n4');
    const outcome = net.node('n1').proposeConfChange({ changes: [{ op: 'remove-voter', node: 'n1' }, { op: 'add-voter', node: 'n4' }] });
    expect(outcome.ok).toBe(true);
    settle(net, 5);
    // n2 applied the joint entry, then the leave-joint entry n1 proposed by itself.
    const changes = (net.applied.get('n2') ?? []).filter((e) => e.type === 'config').map((e) => describeEntry(e));
    expect(changes.slice(1)).toEqual([`${outcome.ok ? outcome.index : 0}/2 conf(-n1 +n4)`, `${outcome.ok ? outcome.index + 1 : 0}/2 conf(leave-joint)`]);
    expect(net.node('n1').status()).toMatchObject({ role: 'follower', config: { voters: ['n2', 'n3', 'n4'], votersOutgoing: [] } });
    for (let i = 0; i < 60 && net.leaders().length === 0; i++) net.tick();
    expect(net.leaders()).toHaveLength(1);
    expect(['n2', 'n3', 'n4']).toContain(net.leaders()[0]);
    const leader = net.node(net.leaders()[0] ?? '');
    leader.propose('after');
    net.stabilize();
    for (const id of ['n2', 'n3', 'n4']) expect(net.appliedData(id)).toEqual(['after']);
  });

  it('while joint, an entry commits only with a majority of BOTH the old and the new voters', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.elect('n1');
    net.add('n4');
    net.add('n5');
    // n4 and n5 receive the joint entry, then are cut off: C_new = {n1,n4,n5} lacks a majority.
    net.node('n1').proposeConfChange({ changes: [{ op: 'remove-voter', node: 'n2' }, { op: 'remove-voter', node: 'n3' }, { op: 'add-voter', node: 'n4' }, { op: 'add-voter', node: 'n5' }] });
    net.drainReady();
    while (net.node('n1').status().config.votersOutgoing.length === 0 && net.deliverOne()) net.drainReady();
    expect(net.node('n1').status().config.votersOutgoing).toEqual(['n1', 'n2', 'n3']);
    net.cutLink('n1', 'n4');
    net.cutLink('n1', 'n5');
    settle(net);
    expect(net.node('n1').status().config.votersOutgoing).toEqual(['n1', 'n2', 'n3']); // cannot leave yet
    const commit = net.node('n1').status().commit;
    net.node('n1').propose('x');
    settle(net);
    expect(net.node('n1').status().commit).toBe(commit); // n1,n2,n3 is a majority of C_old only
    net.heal();
    settle(net, 6);
    expect(net.appliedData('n1')).toEqual(['x']);
    expect(net.node('n1').status().config).toEqual({ voters: ['n1', 'n4', 'n5'], learners: [], votersOutgoing: [] });
  });
});
