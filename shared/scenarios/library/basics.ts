// Elections and replication: what a healthy cluster does.
import type { Scenario } from '../types.ts';

export const leaderElection: Scenario = {
  id: 'leader-election',
  title: 'Leader election from a cold start',
  summary: 'Five nodes start with empty disks. n1 bootstraps alone, elects itself, and the others join one membership change at a time.',
  topic: 'election',
  minutes: 1,
  setup: { nodes: 5 },
  steps: [
    {
      title: 'n1 bootstraps and becomes leader',
      narration:
        'Every node starts as a follower with an election timer drawn at random between 150 and 300 ms. n1 starts with a configuration of one voter — itself — so when its timer fires it needs only its own vote: it becomes leader of term 1 and appends a no-op entry to claim the term.',
      expect: [{ kind: 'leader-elected' }],
    },
    {
      title: 'The others join',
      narration:
        "The others start with no configuration and wait to be contacted, as `vault operator raft join` does. The leader adds them one membership change at a time; each change is a log entry, committed by a majority of the configuration it creates. Watch the config entries appear in every node's log.",
      expect: [{ kind: 'voters', count: 5 }, { kind: 'converged' }],
      withinMs: 5000,
    },
    {
      title: 'Heartbeats keep the leader in charge',
      narration:
        "The leader now sends heartbeats every 50 ms. Each one resets the followers' election timers — the draining arcs around them — so no follower times out while the leader is alive.",
      expect: [{ kind: 'leader-elected' }, { kind: 'no-violation' }],
    },
  ],
};

export const splitVote: Scenario = {
  id: 'split-vote',
  title: 'Split vote and re-election',
  summary: 'Two followers campaign in the same term after the leader dies; neither gets a majority, the term passes, and a randomized timeout breaks the tie.',
  topic: 'election',
  minutes: 2,
  // Pre-vote and check-quorum would make the followers wait out the dead leader's lease first.
  setup: { nodes: 4, preVote: false, checkQuorum: false },
  steps: [
    { title: 'A leader is elected', narration: 'Four nodes: a majority is three votes.', expect: [{ kind: 'voters', count: 4 }, { kind: 'converged' }], withinMs: 5000 },
    {
      title: 'The leader dies; two followers campaign at once',
      narration:
        'We kill the leader and make two followers start an election at the same moment. Each votes for itself and asks the others. The third follower can vote for only one of them in this term, so the best either candidate gets is two votes of the three it needs: a split vote. Nobody wins this term.',
      capture: { before: 'term', old: '$leader' },
      actions: [
        { type: 'kill', node: '$leader' },
        { type: 'campaign', node: '$follower1' },
        { type: 'campaign', node: '$follower2' },
      ],
      expect: [{ kind: 'node-state', node: '$old', state: 'down' }],
    },
    {
      title: 'Randomized timeouts break the tie',
      narration:
        'The candidates wait for another randomized election timeout. One of them times out first, starts the next term, and this time collects all three live votes. Randomness is what makes repeated split votes unlikely.',
      expect: [{ kind: 'leader-elected' }, { kind: 'term-above', captured: 'before' }],
      withinMs: 5000,
    },
    { title: 'Back to normal', narration: 'The old leader returns as a follower of the new term.', actions: [{ type: 'restart', node: '$old' }], expect: [{ kind: 'node-state', node: '$old', state: 'follower' }] },
  ],
};

export const logReplication: Scenario = {
  id: 'log-replication',
  title: 'Log replication and commit',
  summary: 'A client write becomes a log entry, travels to the followers in AppendEntries, is committed by a majority and applied everywhere.',
  topic: 'replication',
  minutes: 1,
  setup: { nodes: 3 },
  steps: [
    { title: 'A cluster of three', narration: 'Wait for a leader and for all three nodes to be voters.', expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    {
      title: 'Write color = blue',
      narration:
        "The leader appends the write to its log (outlined: not yet committed) and sends it in AppendEntries. Once a majority — the leader and one follower — has it on disk, the leader marks it committed (solid), applies it, and answers the client. The followers learn the new commit index with the next message and apply it too.",
      actions: [{ type: 'put', key: 'color', value: 'blue' }],
      expect: [{ kind: 'result', ok: true }, { kind: 'key', key: 'color', value: 'blue', on: 'all-live' }],
    },
    {
      title: 'A second write, a new version',
      narration: 'Every write to a key makes a new version, as in Vault KV v2. The logs stay identical entry by entry: the Log Matching property.',
      actions: [{ type: 'put', key: 'color', value: 'green' }],
      expect: [{ kind: 'key', key: 'color', value: 'green', on: 'all-live' }, { kind: 'converged' }],
    },
  ],
};

export const leadershipTransfer: Scenario = {
  id: 'leadership-transfer',
  title: 'Leadership transfer',
  summary: 'Hand leadership to a chosen node without waiting for a timeout: the leader catches it up, then sends TimeoutNow.',
  topic: 'election',
  minutes: 1,
  setup: { nodes: 3 },
  steps: [
    { title: 'A cluster of three', narration: 'Wait for a leader.', expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    {
      title: 'Transfer to a follower',
      narration:
        'Operators move leadership before maintenance. The leader stops taking new writes, makes sure the target has its whole log, then sends it TimeoutNow: the target starts an election at once, and the others vote for it because its log is up to date.',
      capture: { target: '$follower1', before: 'term' },
      actions: [{ type: 'transfer-leadership', to: '$target' }],
      expect: [{ kind: 'leader-is', node: '$target' }, { kind: 'term-above', captured: 'before' }],
    },
  ],
};
