// Crashes and lost quorums: what a cluster of five tolerates, and what it refuses to do.
import type { Scenario } from '../types.ts';

const formed5 = { title: 'A cluster of five', narration: 'Five voters: a majority is three, so up to two may fail.', expect: [{ kind: 'voters', count: 5 }, { kind: 'converged' }], withinMs: 5000 } as const;

export const followerFailure: Scenario = {
  id: 'follower-failure',
  title: 'Follower failure',
  summary: 'One of five nodes goes down; the leader still reaches a majority and writes go on.',
  topic: 'failures',
  minutes: 1,
  setup: { nodes: 5 },
  steps: [
    formed5,
    {
      title: 'A follower dies',
      narration: 'Killing a follower terminates its worker: anything it had not fsynced is gone, but it had acknowledged only what was on its disk.',
      capture: { lost: '$follower1' },
      actions: [{ type: 'kill', node: '$lost' }],
      expect: [{ kind: 'node-state', node: '$lost', state: 'down' }, { kind: 'leader-elected' }],
    },
    {
      title: 'Writes continue',
      narration: 'The leader needs three acknowledgements, counting its own; four nodes are up. The dead follower simply misses the entry.',
      actions: [{ type: 'put', key: 'region', value: 'eu-west' }],
      expect: [{ kind: 'result', ok: true }, { kind: 'key', key: 'region', value: 'eu-west', on: 'all-live' }],
    },
    {
      title: 'It comes back and catches up',
      narration: 'Restarted, the follower recovers its log from disk and the leader sends it what it missed.',
      actions: [{ type: 'restart', node: '$lost' }],
      expect: [{ kind: 'key', key: 'region', value: 'eu-west', on: ['$lost'] }, { kind: 'converged' }],
    },
  ],
};

export const leaderFailure: Scenario = {
  id: 'leader-failure',
  title: 'Leader failure and failover',
  summary: 'The leader dies; followers time out, elect a new leader, and writes resume. The incident panel measures the time without a leader.',
  topic: 'failures',
  minutes: 2,
  setup: { nodes: 5 },
  steps: [
    formed5,
    { title: 'A committed write', narration: 'Something to keep safe.', actions: [{ type: 'put', key: 'config/version', value: '41' }], expect: [{ kind: 'key', key: 'config/version', value: '41', on: 'all-live' }] },
    {
      title: 'The leader dies',
      predict: { kind: 'leader', question: 'The leader is about to be killed. Who will lead next?' },
      narration:
        "Heartbeats stop. Each follower's election timer drains; the first to run out starts an election (after a pre-vote round that checks it could win). The time from the kill to the new leader is the cluster's recovery time — a few hundred milliseconds in production timing.",
      capture: { old: '$leader', before: 'term' },
      actions: [{ type: 'kill', node: '$old' }],
      expect: [{ kind: 'leader-is-not', node: '$old' }, { kind: 'term-above', captured: 'before' }],
    },
    {
      title: 'Nothing committed was lost',
      predict: { kind: 'holds', question: 'Will a linearizable read of config/version on the new leader still return 41?', expect: { kind: 'read-value', value: '41' } },
      narration: 'The new leader had the committed entry: a candidate whose log is behind cannot win votes (the election restriction), so every committed write survives the failover.',
      actions: [{ type: 'get', key: 'config/version', consistency: 'linearizable' }],
      expect: [{ kind: 'read-value', value: '41' }],
    },
    { title: 'Writes resume', narration: 'Clients retry against the new leader.', actions: [{ type: 'put', key: 'config/version', value: '42' }], expect: [{ kind: 'result', ok: true }] },
    { title: 'The old leader returns as a follower', narration: 'It sees a higher term and follows.', actions: [{ type: 'restart', node: '$old' }], expect: [{ kind: 'node-state', node: '$old', state: 'follower' }, { kind: 'converged' }] },
  ],
};

export const twoFailures: Scenario = {
  id: 'two-failures',
  title: 'Two failures within tolerance',
  summary: 'Five nodes, two down: three remain, a majority, so the cluster still commits.',
  topic: 'failures',
  minutes: 1,
  setup: { nodes: 5 },
  steps: [
    formed5,
    {
      title: 'Two followers die',
      narration: 'A five-node cluster tolerates two failures: (5 − 1) / 2.',
      capture: { a: '$follower1', b: '$follower2' },
      actions: [{ type: 'kill', node: '$a' }, { type: 'kill', node: '$b' }],
      expect: [{ kind: 'node-state', node: '$a', state: 'down' }, { kind: 'node-state', node: '$b', state: 'down' }],
    },
    {
      title: 'Three of five still commit',
      narration: 'The leader and two followers are exactly a majority. Every write now needs both remaining followers.',
      actions: [{ type: 'put', key: 'still', value: 'writable' }],
      expect: [{ kind: 'result', ok: true }, { kind: 'key', key: 'still', value: 'writable', on: 'all-live' }],
    },
    { title: 'Recovery', narration: 'Both return and catch up.', actions: [{ type: 'restart', node: '$a' }, { type: 'restart', node: '$b' }], expect: [{ kind: 'converged' }, { kind: 'key', key: 'still', value: 'writable', on: 'all-live' }] },
  ],
};

export const quorumLoss: Scenario = {
  id: 'quorum-loss',
  title: 'Quorum loss and recovery',
  summary: 'Three of five down: no majority, no leader, and writes fail with a clear 503 instead of hanging. Bring one back and the cluster recovers.',
  topic: 'failures',
  minutes: 2,
  setup: { nodes: 5 },
  steps: [
    formed5,
    {
      title: 'Three followers die',
      narration:
        'Only the leader and one follower remain: two of five, not a majority. With check-quorum on, the leader notices it has not heard from a majority for an election timeout and steps down — so it cannot serve stale reads as if it still led.',
      capture: { a: '$follower1', b: '$follower2', c: '$follower3' },
      actions: [{ type: 'kill', node: '$a' }, { type: 'kill', node: '$b' }, { type: 'kill', node: '$c' }],
      expect: [{ kind: 'no-leader' }],
    },
    {
      title: 'A write fails, honestly',
      predict: { kind: 'holds', question: 'Two of five nodes are up. Will a write commit?', expect: { kind: 'result', ok: true } },
      narration: 'Nothing can commit without a majority. The client gets a definite "no leader" error (HTTP 503) within a bounded time; nothing was committed.',
      actions: [{ type: 'put', key: 'lost', value: 'never' }],
      expect: [{ kind: 'result', ok: false }, { kind: 'no-leader' }],
      withinMs: 500,
    },
    {
      title: 'One node returns: a majority again',
      predict: { kind: 'holds', question: 'One of the three comes back: three of five. Will a leader be elected?', expect: { kind: 'leader-elected' } },
      narration: 'Three of five are up: an election succeeds and writes work again.',
      actions: [{ type: 'restart', node: '$a' }],
      expect: [{ kind: 'leader-elected' }],
      withinMs: 5000,
    },
    { title: 'Writes work', narration: 'The failed write never happened; this one does.', actions: [{ type: 'put', key: 'back', value: 'online' }], expect: [{ kind: 'result', ok: true }, { kind: 'key', key: 'lost', value: null, on: 'all-live' }] },
    { title: 'Everyone back', narration: 'The rest return and catch up.', actions: [{ type: 'restart', node: '$b' }, { type: 'restart', node: '$c' }], expect: [{ kind: 'converged' }] },
  ],
};

export const networkPartition: Scenario = {
  id: 'network-partition',
  title: 'Network partition: no split brain',
  summary: 'The leader ends up in a minority with one follower. It cannot commit; the majority elects a new leader; healing rolls back the old leader’s uncommitted entries.',
  topic: 'failures',
  minutes: 3,
  setup: { nodes: 5 },
  steps: [
    formed5,
    {
      title: 'Partition, and a client writes to the old leader',
      predict: { kind: 'holds', question: 'The leader and one follower are cut off from the other three, and a client writes to the leader. Will the write succeed?', expect: { kind: 'result', ok: true } },
      narration:
        'The network splits: the leader and one follower on one side, three nodes on the other; messages across are dropped (watch them vanish mid-link). A client still talking to the old leader writes. The old leader appends the entry and sends it, but only its buddy hears: two of five is no majority, so the entry stays uncommitted and the client gets no success.',
      capture: { old: '$leader', buddy: '$follower1' },
      actions: [
        { type: 'partition', groups: [['$old', '$buddy']] },
        { type: 'put', key: 'split', value: 'minority', node: '$old' },
      ],
      expect: [{ kind: 'result', ok: false }],
      withinMs: 500,
    },
    {
      title: 'The majority elects its own leader',
      predict: { kind: 'leader', question: 'Who will lead once the majority side elects?' },
      narration: 'The three nodes on the other side stop hearing heartbeats, elect a leader in a higher term and commit writes. There is never more than one leader per term: no split brain.',
      actions: [{ type: 'put', key: 'split', value: 'majority' }],
      expect: [{ kind: 'leader-is-not', node: '$old' }, { kind: 'result', ok: true }],
    },
    {
      title: 'Heal',
      narration:
        "When the partition heals, the old leader sees the higher term and steps down. Its uncommitted entry conflicts with the new leader's log, so it is truncated and replaced — it was never acknowledged, so nothing promised is lost.",
      actions: [{ type: 'heal-network' }],
      expect: [{ kind: 'converged' }, { kind: 'truncated', node: '$old' }, { kind: 'key', key: 'split', value: 'majority', on: 'all-live' }, { kind: 'no-violation' }],
      withinMs: 5000,
    },
  ],
};

export const crashRecovery: Scenario = {
  id: 'crash-recovery',
  title: 'Crash recovery from disk',
  summary: 'A node loses power mid-write. On restart it replays its write-ahead log, cuts the torn tail, and rejoins.',
  topic: 'storage',
  minutes: 2,
  setup: { nodes: 3 },
  steps: [
    { title: 'A cluster of three', narration: 'Each node writes its log to segment files, one fdatasync per batch.', expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    { title: 'Some writes', narration: 'Committed on every node.', actions: [{ type: 'put', key: 'a', value: '1' }, { type: 'put', key: 'b', value: '2' }], expect: [{ kind: 'key', key: 'b', value: '2', on: 'all-live' }] },
    {
      title: 'Power cut in the middle of a write',
      narration: 'We kill a follower and leave half a record at the end of its log — what a power cut during a write leaves behind. Its length and checksum cannot both match.',
      capture: { victim: '$follower1' },
      actions: [{ type: 'kill', node: '$victim' }, { type: 'tear-tail', node: '$victim' }],
      expect: [{ kind: 'node-state', node: '$victim', state: 'down' }],
    },
    {
      title: 'Recovery replays the log and cuts the torn tail',
      narration: 'On start, the node reads every record and checks its CRC32C. A bad record at the very end is a torn write: it is cut off and reported. (A bad record in the middle would stop the node with an error — never silently skipped.) Term, vote and log come back; commit index and role start over.',
      actions: [{ type: 'restart', node: '$victim' }],
      expect: [{ kind: 'torn-tail', node: '$victim' }, { kind: 'node-state', node: '$victim', state: 'follower' }, { kind: 'key', key: 'b', value: '2', on: ['$victim'] }],
    },
  ],
};
