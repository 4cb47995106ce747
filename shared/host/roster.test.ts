import { describe, expect, it } from 'vitest';
import type { ConfChange, MembershipConfig } from '../raft/index.ts';
import { Roster, type ChangeOutcome, type RosterState } from './roster.ts';

/** A host whose leader adopts each change the moment it is sent, unless told to refuse. */
function fakeCluster(options: { refuse?: boolean } = {}) {
  const config: { voters: string[]; learners: string[]; votersOutgoing: string[] } = { voters: [], learners: [], votersOutgoing: [] };
  const started: string[] = [];
  const dropped: string[] = [];
  const sent: ConfChange[] = [];
  const saves: RosterState[] = [];
  const retries: number[] = [];
  const waiting: ((outcome: ChangeOutcome) => void)[] = [];
  const hosts = new Set<string>();
  let stopped = false;
  const roster = (state: RosterState): Roster =>
    new Roster(state, {
      leader: () => (config.voters.length > 0 ? config.voters[0]! : null),
      leaderConfig: () => (config.voters.length > 0 ? (structuredClone(config) as MembershipConfig) : null),
      hasHost: (node) => hosts.has(node),
      startNode: (node, bootstrap) => {
        hosts.add(node);
        started.push(bootstrap ? `${node} (bootstrap)` : node);
        if (bootstrap) config.voters = [node];
      },
      dropNode: (node) => {
        hosts.delete(node);
        dropped.push(node);
      },
      sendChange: (_leader, change, _timeoutMs, done) => {
        sent.push(change);
        waiting.push(done);
      },
      attemptTimeoutMs: () => 4000,
      retryIn: (delayMs) => retries.push(delayMs),
      saved: (state) => saves.push(state),
      timeStopped: () => stopped,
    });
  /** The leader commits (or refuses) the oldest change sent. */
  const settle = (): void => {
    const done = waiting.shift()!;
    const change = sent.at(-waiting.length - 1)!;
    if (!options.refuse) {
      for (const { op, node } of change.changes) {
        if (op === 'add-voter' || op === 'promote-learner') {
          config.learners = config.learners.filter((id) => id !== node);
          config.voters.push(node);
        } else if (op === 'add-learner') config.learners.push(node);
        else config.voters = config.voters.filter((id) => id !== node);
      }
    }
    done({ ok: !options.refuse });
  };
  return { config, started, dropped, sent, saves, retries, waiting, roster, settle, stop: (value: boolean) => (stopped = value) };
}

describe('the roster controller', () => {
  it('bootstraps n1 alone, then brings in the others one change at a time, and saves the bootstrap', () => {
    const cluster = fakeCluster();
    const roster = cluster.roster(Roster.initial(3));
    roster.startAll();
    expect(cluster.started).toEqual(['n1 (bootstrap)', 'n2', 'n3']);
    expect(roster.startsFresh()).toBe(true);

    roster.reconcile();
    expect(roster.startsFresh()).toBe(false);
    expect(cluster.saves.at(-1)).toEqual({ bootstrapped: true, roster: Roster.initial(3).roster });
    expect(cluster.sent).toEqual([{ changes: [{ op: 'add-voter', node: 'n2' }] }]);
    roster.reconcile(); // a change is in flight: nothing more is sent
    expect(cluster.sent).toHaveLength(1);
    cluster.settle();
    expect(cluster.sent.at(-1)).toEqual({ changes: [{ op: 'add-voter', node: 'n3' }] });
    cluster.settle();
    expect(cluster.config.voters).toEqual(['n1', 'n2', 'n3']);
    expect(cluster.waiting).toHaveLength(0);
  });

  it('adds learners, promotes them, and removes members, stopping nodes that are gone for good', () => {
    const cluster = fakeCluster();
    cluster.config.voters = ['n1', 'n2', 'n3'];
    const roster = cluster.roster({ bootstrapped: true, roster: Roster.initial(3).roster });
    roster.startAll();
    expect(cluster.started).toEqual(['n1', 'n2', 'n3']);

    expect(roster.add(true)).toBe('n4');
    expect(cluster.sent.at(-1)).toEqual({ changes: [{ op: 'add-learner', node: 'n4' }] });
    cluster.settle();
    roster.promote('n4');
    expect(cluster.sent.at(-1)).toEqual({ changes: [{ op: 'promote-learner', node: 'n4' }] });
    cluster.settle();
    roster.remove('n2');
    expect(cluster.sent.at(-1)).toEqual({ changes: [{ op: 'remove-voter', node: 'n2' }] });
    cluster.settle();
    expect(cluster.dropped).toEqual(['n2']);
    expect(roster.members()).toEqual(['n1', 'n3', 'n4']);
    expect(cluster.saves.at(-1)?.roster).toEqual([
      { id: 'n1', role: 'voter' },
      { id: 'n3', role: 'voter' },
      { id: 'n4', role: 'voter' },
    ]);
    expect(() => roster.promote('n3')).toThrow('n3 is not a learner');
    expect(() => roster.remove('n9')).toThrow('n9 is not a member');
  });

  it('asks for one retry after a refused change and makes no change while time is stopped', () => {
    const cluster = fakeCluster({ refuse: true });
    cluster.config.voters = ['n1'];
    const roster = cluster.roster({ bootstrapped: true, roster: Roster.initial(2).roster });
    roster.reconcile();
    cluster.settle();
    expect(cluster.retries).toEqual([1000]); // a quarter of an attempt's timeout
    cluster.stop(true);
    roster.retry();
    expect(cluster.sent).toHaveLength(1);
    cluster.stop(false);
    roster.retry();
    expect(cluster.sent).toHaveLength(2);
  });

  it('moves several voters at once through one joint change, and is free again once it ends', () => {
    const cluster = fakeCluster();
    cluster.config.voters = ['n1', 'n2', 'n3'];
    const roster = cluster.roster({ bootstrapped: true, roster: Roster.initial(3).roster });
    const { leader, change, joint } = roster.beginChange(['n4'], ['n1']);
    expect({ leader, change, joint }).toEqual({ leader: 'n1', change: { changes: [{ op: 'add-voter', node: 'n4' }, { op: 'remove-voter', node: 'n1' }] }, joint: true });
    expect(cluster.started).toEqual(['n4']);
    roster.reconcile(); // the joint change is the caller's: the controller waits for it
    expect(cluster.sent).toHaveLength(0);
    cluster.config.voters = ['n2', 'n3', 'n4'];
    roster.changeDone();
    expect(cluster.sent).toHaveLength(0); // the roster and the configuration agree
    expect(() => roster.beginChange([], [])).toThrow('nothing to change');
    expect(() => roster.beginChange(['n2'], [])).toThrow('n2 is already a member');
  });
});
