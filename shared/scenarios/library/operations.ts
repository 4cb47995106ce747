// What operators do: compaction, membership changes, reads at a chosen consistency, optimistic
// locking, and disaster recovery from a snapshot.
import type { Scenario, ScenarioCommand } from '../types.ts';

const writes = (prefix: string, count: number): ScenarioCommand[] =>
  Array.from({ length: count }, (_, i) => ({ type: 'put', key: `${prefix}/${i}`, value: `${i}` }) as const);

export const snapshots: Scenario = {
  id: 'snapshots',
  title: 'Snapshots and InstallSnapshot',
  summary: 'Logs are compacted into snapshots. A node that was away too long cannot be sent the entries it missed — they are gone — so the leader sends its snapshot instead.',
  topic: 'storage',
  minutes: 2,
  setup: { nodes: 3, snapshotThreshold: 20 },
  steps: [
    { title: 'A cluster of three', narration: 'Each node snapshots its state machine every 20 applied entries and deletes the log segments the snapshot covers.', expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    { title: 'A follower goes away', narration: 'It will miss what follows.', capture: { away: '$follower1' }, actions: [{ type: 'kill', node: '$away' }], expect: [{ kind: 'node-state', node: '$away', state: 'down' }] },
    {
      title: 'Fifty writes; the log is compacted',
      narration: 'The leader applies the writes and, every 20 entries, replaces the log prefix with a snapshot (watch the snapshot boundary move in the log strips).',
      actions: writes('item', 50),
      expect: [{ kind: 'snapshot', node: '$leader', source: 'local' }, { kind: 'key', key: 'item/49', value: '49', on: 'all-live' }],
    },
    {
      title: 'The follower returns: InstallSnapshot',
      narration: 'The entries it needs were compacted away, so the leader sends its snapshot (InstallSnapshot, section 7). The follower replaces its state machine with it, then takes the entries after it.',
      actions: [{ type: 'restart', node: '$away' }],
      expect: [{ kind: 'snapshot', node: '$away', source: 'leader' }, { kind: 'key', key: 'item/49', value: '49', on: ['$away'] }, { kind: 'converged' }],
      withinMs: 5000,
    },
  ],
};

export const membership: Scenario = {
  id: 'membership',
  title: 'Membership: bootstrap, grow 3 → 5, replace the leader',
  summary: 'n1 bootstraps alone and two nodes join; the cluster grows to five, one change at a time; then a single joint-consensus change replaces the leader with a new node.',
  topic: 'membership',
  minutes: 3,
  setup: { nodes: 3 },
  steps: [
    { title: 'Bootstrap and join', narration: 'n1 starts as a one-voter cluster; n2 and n3 join as membership changes, each a log entry.', expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    {
      title: 'Grow to five',
      narration: 'Adding one voter at a time is always safe: the old and new majorities overlap. A new node starts empty and catches up before it counts.',
      actions: [{ type: 'add-node' }, { type: 'add-node' }],
      expect: [{ kind: 'voters', count: 5 }, { kind: 'converged' }],
      withinMs: 5000,
    },
    {
      title: 'Replace the leader with joint consensus',
      narration:
        'Adding n6 and removing the leader in one step is a change of two voters, so it goes through a joint configuration C_old,new: while it lasts, every decision needs a majority of the old voters AND of the new. Then the leader commits C_new, steps down (it is no longer a member), and the others elect a new leader.',
      capture: { old: '$leader' },
      actions: [{ type: 'change-membership', add: ['n6'], remove: ['$old'] }],
      expect: [{ kind: 'leader-is-not', node: '$old' }, { kind: 'member', node: '$old', as: 'none' }, { kind: 'member', node: 'n6', as: 'voter' }, { kind: 'voters', count: 5 }],
      withinMs: 5000,
    },
    { title: 'Writes go on', narration: 'The cluster of five serves clients as before.', actions: [{ type: 'put', key: 'after', value: 'replacement' }], expect: [{ kind: 'result', ok: true }, { kind: 'key', key: 'after', value: 'replacement', on: 'all-live' }] },
  ],
};

export const reads: Scenario = {
  id: 'reads',
  title: 'Reads: stale, lease and ReadIndex',
  summary: 'A follower that cannot hear the leader serves a stale value from its own state machine; a lease read needs the leader; a ReadIndex read is linearizable.',
  topic: 'reads',
  minutes: 2,
  setup: { nodes: 3 },
  steps: [
    { title: 'A cluster of three', narration: 'Write a first value.', actions: [], expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    { title: 'version 1', narration: 'Committed everywhere.', actions: [{ type: 'put', key: 'price', value: '10' }], expect: [{ kind: 'key', key: 'price', value: '10', on: 'all-live' }] },
    {
      title: 'A follower stops hearing the leader',
      narration: 'We cut the link from the leader to one follower (one way). The other two still form a majority and commit the new price.',
      capture: { lagging: '$follower1', leader: '$leader' },
      actions: [{ type: 'cut-link', from: '$leader', to: '$lagging', direction: 'one-way' }, { type: 'put', key: 'price', value: '12' }],
      expect: [{ kind: 'result', ok: true }, { kind: 'key', key: 'price', value: '10', on: ['$lagging'] }],
    },
    {
      title: 'A stale read from the lagging follower',
      narration: 'A stale read is served from the node’s own state machine, like a Vault standby read: fast, available, and here wrong — the price is 12.',
      actions: [{ type: 'get', key: 'price', consistency: 'stale', node: '$lagging' }],
      expect: [{ kind: 'read-value', value: '10' }],
    },
    {
      title: 'A lease read needs the leader',
      narration: 'A lease read is served by a leader that has heard from a majority within the last election timeout (so no other leader can exist yet). The follower holds no lease and refuses.',
      actions: [{ type: 'get', key: 'price', consistency: 'lease', node: '$lagging' }],
      expect: [{ kind: 'result', ok: false, code: 'not-leader' }],
    },
    {
      title: 'ReadIndex: a linearizable read',
      narration: 'The leader notes its commit index, confirms with a round of heartbeats that it still leads, waits until that index is applied, and answers: the newest committed value, always.',
      actions: [{ type: 'get', key: 'price', consistency: 'linearizable' }],
      expect: [{ kind: 'read-value', value: '12' }],
    },
    { title: 'Heal', narration: 'The follower catches up.', actions: [{ type: 'heal-link', from: '$leader', to: '$lagging', direction: 'one-way' }], expect: [{ kind: 'key', key: 'price', value: '12', on: 'all-live' }] },
  ],
};

export const optimisticLocking: Scenario = {
  id: 'optimistic-locking',
  title: 'Optimistic locking with check-and-set',
  summary: 'Two clients read version 1 of a config and both try to write version 2 with cas=1. Raft orders their writes: one wins, the other gets a conflict.',
  topic: 'clients',
  minutes: 1,
  setup: { nodes: 3 },
  steps: [
    { title: 'A cluster of three', narration: 'Create the key with cas=0: only if it does not exist yet.', actions: [], expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    { title: 'Create with cas=0', narration: 'Version 1.', actions: [{ type: 'put', key: 'app/config', value: 'replicas=2', cas: 0 }], expect: [{ kind: 'result', ok: true }] },
    { title: 'Client A writes with cas=1', narration: 'Client A read version 1 and writes its change: version 1 is current, so it applies as version 2.', actions: [{ type: 'put', key: 'app/config', value: 'replicas=3', cas: 1 }], expect: [{ kind: 'result', ok: true }] },
    {
      title: 'Client B writes with cas=1 too',
      narration: 'Client B also read version 1. Its write is checked against the current version when it is applied — every node applies in the same log order — and version 2 is current now: conflict, nothing written. B must read again and retry.',
      actions: [{ type: 'put', key: 'app/config', value: 'replicas=5', cas: 1 }],
      expect: [{ kind: 'result', ok: false, code: 'conflict' }, { kind: 'key', key: 'app/config', value: 'replicas=3', on: 'all-live' }],
    },
  ],
};

export const disasterRecovery: Scenario = {
  id: 'disaster-recovery',
  title: 'Disaster recovery from a snapshot',
  summary: 'Save a snapshot of the store, destroy every node’s data, start a new cluster and restore the snapshot into it — the drill `vault operator raft snapshot save/restore` runs.',
  topic: 'storage',
  minutes: 2,
  setup: { nodes: 3 },
  steps: [
    { title: 'A cluster of three', narration: 'Wait for the cluster to form.', expect: [{ kind: 'voters', count: 3 }, { kind: 'converged' }], withinMs: 5000 },
    { title: 'Some data', narration: 'Three secrets.', actions: [{ type: 'put', key: 'db/password', value: 's3cret' }, { type: 'put', key: 'db/user', value: 'app' }, { type: 'put', key: 'api/key', value: 'k-123' }], expect: [{ kind: 'key', key: 'api/key', value: 'k-123', on: 'all-live' }] },
    { title: 'Save a snapshot', narration: 'The leader writes an image of its state machine: every key with its versions.', actions: [{ type: 'snapshot-save' }], expect: [{ kind: 'result', ok: true }] },
    {
      title: 'Disaster: every disk is lost',
      narration: 'All nodes lose their data. A new cluster bootstraps from nothing: empty logs, empty stores.',
      actions: [{ type: 'reset-cluster' }],
      expect: [{ kind: 'voters', count: 3 }, { kind: 'key', key: 'db/password', value: null, on: 'all-live' }],
      withinMs: 5000,
    },
    {
      title: 'Restore',
      narration: 'The snapshot goes through the log as one entry, so every node installs the same image at the same index.',
      actions: [{ type: 'snapshot-restore' }],
      expect: [{ kind: 'key', key: 'db/password', value: 's3cret', on: 'all-live' }, { kind: 'key', key: 'api/key', value: 'k-123', on: 'all-live' }],
    },
  ],
};
