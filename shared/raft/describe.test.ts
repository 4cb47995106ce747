// Golden text for the one formatter (used by the event feed and the message inspector).
import { describe, expect, it } from 'vitest';
import { describeEntry, describeMessage, describeReady } from './describe.ts';
import { BUG_NAMES, ALL_BUGS } from './switches.ts';
import { TestNetwork } from './test-network.ts';

describe('describe', () => {
  it('formats every kind of message and entry on one stable line', () => {
    const lines = [
      describeMessage({ type: 'Append', from: 'n1', to: 'n3', term: 4, prevIndex: 7, prevTerm: 3, entries: [{ index: 8, term: 4, type: 'noop', data: '' }], commit: 7 }),
      describeMessage({ type: 'AppendResponse', from: 'n3', to: 'n1', term: 4, reject: true, index: 7, conflictIndex: 5, conflictTerm: 2 }),
      describeMessage({ type: 'AppendResponse', from: 'n3', to: 'n1', term: 4, reject: false, index: 8, conflictIndex: 0, conflictTerm: 0 }),
      describeMessage({ type: 'PreVote', from: 'n2', to: 'n1', term: 5, lastLogIndex: 7, lastLogTerm: 3, transfer: false }),
      describeMessage({ type: 'Vote', from: 'n2', to: 'n1', term: 5, lastLogIndex: 7, lastLogTerm: 3, transfer: true }),
      describeMessage({ type: 'VoteResponse', from: 'n1', to: 'n2', term: 5, reject: false }),
      describeMessage({ type: 'Heartbeat', from: 'n1', to: 'n2', term: 4, commit: 7, context: 'r1', sentTick: 30 }),
      describeMessage({ type: 'HeartbeatResponse', from: 'n2', to: 'n1', term: 4, context: '', sentTick: 30, lastIndex: 7 }),
      describeMessage({ type: 'Snapshot', from: 'n1', to: 'n4', term: 4, snapshot: { metadata: { index: 100, term: 3, config: { voters: ['n1', 'n2', 'n3'], learners: ['n4'], votersOutgoing: [] } }, data: '{}' } }),
      describeMessage({ type: 'TimeoutNow', from: 'n1', to: 'n2', term: 4 }),
      describeMessage({ type: 'ReadIndexResponse', from: 'n1', to: 'n2', term: 0, context: 'c7', index: 9, ok: true }),
      describeEntry({ index: 9, term: 4, type: 'normal', data: '{"op":"put","key":"config/db/password"}' }),
      describeEntry({ index: 10, term: 4, type: 'config', data: JSON.stringify({ changes: [{ op: 'remove-voter', node: 'n1' }, { op: 'add-voter', node: 'n4' }] }) }),
      describeEntry({ index: 11, term: 4, type: 'config', data: '{"changes":[]}' }),
    ];
    expect(lines).toEqual([
      'n1→n3 App t4 prev=7/3 entries=[8/4 noop] commit=7',
      'n3→n1 AppResp t4 reject=7 hint=5/2',
      'n3→n1 AppResp t4 ack=8',
      'n2→n1 PreVote t5 last=7/3',
      'n2→n1 Vote t5 last=7/3 transfer',
      'n1→n2 VoteResp t5 granted',
      'n1→n2 Beat t4 commit=7 ctx="r1"',
      'n2→n1 BeatResp t4',
      'n1→n4 Snap t4 snap=100/3 voters=(n1,n2,n3) learners=(n4)',
      'n1→n2 TimeoutNow t4',
      'n1→n2 ReadIndexResp ctx="c7" index=9',
      '9/4 "{\\"op\\":\\"put\\",\\"key\\":\\"conf…"',
      '10/4 conf(-n1 +n4)',
      '11/4 conf(leave-joint)',
    ]);
  });

  it('formats a whole election as a golden transcript', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3']);
    net.node('n1').campaign();
    const first = describeReady(net.node('n1').ready());
    net.node('n1').advance(net.node('n1').ready());
    expect(first).toBe('ss=pre-candidate/- hs=t1/-/c1 entries=[1/1 conf(+n1 +n2 +n3)] apply=[1/1 conf(+n1 +n2 +n3)] msgs=2 sync');
    const fresh = new TestNetwork(['n1', 'n2', 'n3']);
    fresh.elect('n1');
    expect(fresh.delivered.map(describeMessage)).toEqual([
      'n1→n2 PreVote t2 last=1/1',
      'n1→n3 PreVote t2 last=1/1',
      'n2→n1 PreVoteResp t2 granted',
      'n3→n1 PreVoteResp t2 granted',
      'n1→n2 Vote t2 last=1/1',
      'n1→n3 Vote t2 last=1/1',
      'n2→n1 VoteResp t2 granted',
      'n3→n1 VoteResp t2 granted',
      'n1→n2 App t2 prev=1/1 entries=[2/2 noop] commit=1',
      'n1→n3 App t2 prev=1/1 entries=[2/2 noop] commit=1',
      'n2→n1 AppResp t2 ack=2',
      'n3→n1 AppResp t2 ack=2',
      'n1→n2 App t2 prev=2/2 entries=[] commit=2',
      'n1→n3 App t2 prev=2/2 entries=[] commit=2',
      'n2→n1 AppResp t2 ack=2',
      'n3→n1 AppResp t2 ack=2',
    ]);
  });
});

describe('switches', () => {
  it('explains every bug in one line, and all bugs are off by default', () => {
    expect(ALL_BUGS).toEqual(['commitByCounting', 'forgetVoteOnRestart', 'ackBeforePersist', 'grantVoteWithoutLogCheck']);
    for (const name of ALL_BUGS) expect(BUG_NAMES[name]).toMatch(/^[A-Z].{20,200}$/);
    const net = new TestNetwork(['n1']);
    expect(Object.values(net.node('n1').status().switches.bugs).every((on) => !on)).toBe(true);
    net.node('n1').setSwitches({ bugs: { commitByCounting: true }, preVote: false });
    expect(net.node('n1').status().switches).toMatchObject({ preVote: false, checkQuorum: true, bugs: { commitByCounting: true, ackBeforePersist: false } });
  });

  it('grantVoteWithoutLogCheck elects a leader that lacks committed entries', () => {
    for (const bug of [false, true]) {
      const net = new TestNetwork(['n1', 'n2', 'n3'], { preVote: false, checkQuorum: false, bugs: { grantVoteWithoutLogCheck: bug } });
      net.elect('n1');
      net.cutLink('n1', 'n3');
      net.node('n1').propose('committed');
      net.stabilize();
      net.crash('n1');
      net.node('n3').campaign(); // n3 lacks the committed entry; n2 must refuse it (section 5.4.1)
      net.stabilize();
      expect(net.node('n3').status().role === 'leader').toBe(bug);
    }
  });
});
