// The rules that keep Raft safe, shown by breaking them on purpose or watching them work.
import type { Scenario } from '../types.ts';

// Figure 7's logs, from index 1: the bootstrap configuration is index 1 here, so each row lists
// the paper's terms from index 2 on. n1 is the future leader, n2..n7 are followers (a)..(f).
const FIGURE_7_LOGS = [
  [1, 1, 4, 4, 5, 5, 6, 6, 6], // leader
  [1, 1, 4, 4, 5, 5, 6, 6], // (a) missing an entry
  [1, 1, 4], // (b) missing many
  [1, 1, 4, 4, 5, 5, 6, 6, 6, 6], // (c) one extra uncommitted entry of term 6
  [1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], // (d) extra entries of term 7
  [1, 1, 4, 4, 4, 4], // (e) missing entries, extra of term 4
  [1, 1, 2, 2, 2, 3, 3, 3, 3, 3], // (f) a leader of terms 2 and 3 that never committed them
];

export const figure7: Scenario = {
  id: 'figure-7',
  title: 'Figure 7: a new leader repairs divergent followers',
  summary: "Seven nodes start from the paper's Figure 7 logs. n1 is elected and forces every follower's log to match its own: missing entries filled in, conflicting ones deleted.",
  topic: 'safety',
  minutes: 3,
  setup: { nodes: 7, prepared: { term: 7, logs: FIGURE_7_LOGS, key: 'fig7' }, speed: 0.1 },
  steps: [
    {
      title: 'The logs of Figure 7',
      narration:
        "Each box is an entry, coloured by its term. Follower (a) and (b) miss entries; (c) and (d) have extra entries that were never committed; (e) and (f) have both. Any of these can happen when leaders crash: (f) led terms 2 and 3, appended entries and crashed before committing any.",
      expect: [{ kind: 'entry', node: 'n1', index: 10, term: 6 }, { kind: 'entry', node: 'n5', index: 12, term: 7 }, { kind: 'entry', node: 'n7', index: 11, term: 3 }],
    },
    {
      title: 'n1 is elected for term 8',
      narration: 'n1 asks for votes. (a), (b), (e) and (f) grant: its log is at least as up to date as theirs. (c) and (d) refuse — theirs is more up to date — but five of seven is a majority.',
      actions: [{ type: 'campaign', node: 'n1' }],
      expect: [{ kind: 'leader-is', node: 'n1' }],
    },
    {
      title: 'The leader repairs every log',
      narration:
        "The leader sends AppendEntries with the index and term of the entry just before the new ones. A follower that does not hold that entry rejects, with a hint — its last entry of a term not above the leader's — so the leader backs up a whole term at a time. Where they agree, the follower deletes its conflicting suffix and takes the leader's entries. (c)'s extra entry, (d)'s term-7 entries and (f)'s terms 2 and 3 are erased: none was ever committed, so no client was told they were.",
      actions: [{ type: 'put', key: 'fig7', value: 'term 8' }],
      expect: [{ kind: 'converged' }, { kind: 'truncated', node: 'n5' }, { kind: 'truncated', node: 'n7' }, { kind: 'key', key: 'fig7', value: 'term 8', on: 'all-live' }, { kind: 'no-violation' }],
      withinMs: 5000,
    },
  ],
};

// Figure 8 (b): n1 led term 2 and stored 2/2 on n2; n5 led term 3 and stored 2/3 only locally.
const FIGURE_8 = { term: 3, logs: [[2], [2], [], [], [3]], key: 'fig8' };

function figure8Steps(bug: boolean): Scenario['steps'] {
  return [
    {
      title: 'Figure 8 (a)–(b)',
      narration:
        'Five nodes start from the paper’s state: n1 led term 2 and replicated the entry at index 2 to n2 only; then n5 led term 3, put its own entry at index 2, and crashed before sending it. Nobody leads now.',
      expect: [{ kind: 'entry', node: 'n1', index: 2, term: 2 }, { kind: 'entry', node: 'n2', index: 2, term: 2 }, { kind: 'entry', node: 'n5', index: 2, term: 3 }],
    },
    {
      title: '(c) n1 is elected in term 4 and copies 2/2 to n3',
      narration: 'n1 cannot reach n4 and n5. n2 and n3 vote for it, and it sends its old entry 2/2 to n3 — one entry per message, so each acknowledgement covers exactly one entry.',
      actions: [
        { type: 'cut-link', from: 'n1', to: 'n4', direction: 'one-way' },
        { type: 'cut-link', from: 'n1', to: 'n5', direction: 'one-way' },
        { type: 'campaign', node: 'n1' },
      ],
      expect: [{ kind: 'leader-is', node: 'n1' }, { kind: 'entry', node: 'n3', index: 2, term: 2 }],
    },
    {
      title: bug ? '…and, with the bug, calls it committed' : '…and does not call it committed',
      narration: bug
        ? "Now 2/2 is on n1, n2 and n3: a majority. With commitByCounting on, n1 marks it committed and applies it — a client would be told the write is safe. The real rule (section 5.4.2) says a leader commits by counting replicas only entries of its own term. We also cut n1 from n3 so its term-4 entry never gets there."
        : 'Now 2/2 is on n1, n2 and n3: a majority. But the rule of section 5.4.2 says a leader commits by counting replicas only entries of its own term, and n1’s term-4 entry is not on a majority (we cut n1 from n3). So n1 does not call 2/2 committed, and no client is told it is safe.',
      actions: [{ type: 'cut-link', from: 'n1', to: 'n3', direction: 'one-way' }],
      expect: bug ? [{ kind: 'key', key: 'fig8', value: '2@t2', on: ['n1'] }] : [{ kind: 'key', key: 'fig8', value: null, on: ['n1'] }, { kind: 'entry', node: 'n3', index: 2, term: 2 }],
      withinMs: bug ? 3000 : 300,
    },
    {
      title: '(d) n1 crashes; n5 is elected and overwrites index 2',
      narration: bug
        ? "n1 crashes and n2 is slow (paused). n5's last entry has term 3, higher than n3's and n4's, so they vote for it: it wins and overwrites index 2 everywhere with 2/3. The entry n1 called committed is gone: the safety checker turns red (a leader without a committed entry; two nodes applying different entries at index 2)."
        : "n1 crashes and n2 is slow (paused). n5 wins with n3's and n4's votes and overwrites index 2 with 2/3. That is allowed: 2/2 was never committed, no client was told it was, and the safety checker stays green.",
      actions: [{ type: 'kill', node: 'n1' }, { type: 'pause-node', node: 'n2' }, { type: 'heal-network' }, { type: 'campaign', node: 'n5' }],
      expect: bug ? [{ kind: 'leader-is', node: 'n5' }, { kind: 'violation' }] : [{ kind: 'leader-is', node: 'n5' }, { kind: 'entry', node: 'n3', index: 2, term: 3 }, { kind: 'no-violation' }],
      withinMs: 5000,
    },
  ];
}

export const figure8: Scenario = {
  id: 'figure-8',
  title: 'Figure 8: the bug of committing an old term’s entry by counting',
  summary:
    'With the commitByCounting bug on, a leader counts replicas of an entry from an earlier term, calls it committed, and a later leader overwrites it: the safety checker catches the lost committed entry.',
  topic: 'safety',
  minutes: 4,
  setup: { nodes: 5, bugs: ['commitByCounting'], preVote: false, checkQuorum: false, maxEntriesPerMessage: 1, prepared: FIGURE_8, speed: 0.1 },
  steps: figure8Steps(true),
};

export const figure8Safe: Scenario = {
  id: 'figure-8-safe',
  title: 'Figure 8 with the rule in place',
  summary: 'The same sequence with the commit rule of section 5.4.2: the old-term entry is never called committed, so overwriting it loses nothing.',
  topic: 'safety',
  minutes: 4,
  setup: { nodes: 5, preVote: false, checkQuorum: false, maxEntriesPerMessage: 1, prepared: FIGURE_8, speed: 0.1 },
  steps: figure8Steps(false),
};

export const disruptiveNode: Scenario = {
  id: 'disruptive-node',
  title: 'A disruptive returning node, with and without pre-vote',
  summary: 'A node cut off from the others keeps timing out. Without pre-vote its term climbs and, when it returns, it forces a needless election. With pre-vote it asks first and changes nothing.',
  topic: 'election',
  minutes: 3,
  setup: { nodes: 5 },
  steps: [
    { title: 'A cluster of five, pre-vote on', narration: 'Pre-vote and check-quorum are on, as in etcd and Consul.', expect: [{ kind: 'voters', count: 5 }, { kind: 'converged' }], withinMs: 5000 },
    {
      title: 'A follower is isolated; its timer keeps firing',
      narration: 'Cut off, it stops hearing heartbeats and times out. With pre-vote it first asks "would you vote for me?" — nobody answers, so it never raises its term.',
      capture: { loner: '$follower1', before: 'term', leader: '$leader' },
      actions: [{ type: 'isolate', node: '$loner' }],
      expect: [{ kind: 'node-state', node: '$loner', state: 'candidate' }],
    },
    {
      title: 'It returns: nothing happens',
      narration: 'Its term is the same as everyone’s, so the leader keeps leading in the same term.',
      actions: [{ type: 'heal-network' }, { type: 'put', key: 'calm', value: 'yes' }],
      expect: [{ kind: 'leader-is', node: '$leader' }, { kind: 'term-unchanged', captured: 'before' }, { kind: 'converged' }],
    },
    {
      title: 'Now switch pre-vote (and check-quorum) off and isolate it again',
      narration: 'Without pre-vote, every timeout starts a real election in a new term. Alone, it never wins, but its term keeps climbing.',
      capture: { before2: 'term' },
      actions: [{ type: 'switches', preVote: false, checkQuorum: false }, { type: 'isolate', node: '$loner' }],
      expect: [{ kind: 'node-state', node: '$loner', state: 'candidate' }],
    },
    {
      title: 'It returns and disrupts the cluster',
      narration: 'Its messages carry a higher term. The leader sees it and steps down; the cluster holds an election it did not need. Pre-vote exists to prevent exactly this.',
      actions: [{ type: 'heal-network' }],
      expect: [{ kind: 'leader-elected' }, { kind: 'term-above', captured: 'before2' }],
      withinMs: 5000,
    },
  ],
};
