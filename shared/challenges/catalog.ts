// The challenges a student does on their own fork. Each is a goal the lab detects from what really
// happened in the cluster (challenge-watch.ts), never from a button: hints come one at a time, and
// the explanation is shown once it is solved. Plain data, shared by the server (which detects) and
// the page (which shows).

export type ChallengeId =
  | 'stale-read'
  | 'install-snapshot'
  | 'commit-while-old-leader-isolated'
  | 'disruptive-rejoin'
  | 'membership-stays-available'
  | 'one-failure-unavailable'
  | 'two-leaders-one-term'
  | 'acknowledged-write-lost';

export interface Challenge {
  readonly id: ChallengeId;
  readonly title: string;
  /** What the student must make happen, in one sentence. */
  readonly goal: string;
  /** What has to be switched on first, if anything (a bug switch, pre-vote off). */
  readonly needs?: string;
  /** From a nudge to nearly the answer. */
  readonly hints: readonly [string, string, string];
  /** Why it happened and what it teaches, shown once solved. */
  readonly explanation: string;
  /** An impossible goal: "solved" means the lab saw an honest attempt and explains why it cannot work. */
  readonly impossible?: true;
}

export const CHALLENGES: readonly Challenge[] = [
  {
    id: 'stale-read',
    title: 'A stale read from a follower',
    goal: 'Read a key from a follower with stale consistency and get an older value than one already acknowledged.',
    hints: [
      'A follower answers a stale read from its own state machine, without asking anyone.',
      'A follower that cannot hear the leader stops learning new writes, but still answers.',
      'Isolate a follower, write the key through the leader, then read it from the isolated follower with consistency "stale".',
    ],
    explanation:
      'A stale read is served from the local state machine, which lags the leader by however long the follower has been out of touch. Raft makes reads linearizable only when they go through the leader and it confirms it still leads (a round of heartbeats, ReadIndex) or holds a lease. Vault and etcd both offer the cheaper stale read for exactly this trade.',
  },
  {
    id: 'install-snapshot',
    title: 'Catch a node up by InstallSnapshot',
    goal: 'Make the leader send its snapshot to a node that fell too far behind for entries to reach it.',
    hints: [
      'Nodes compact their logs into snapshots; the entries before a snapshot are deleted.',
      'A node that was away while the others compacted needs entries nobody has any more.',
      'Kill or isolate a follower, write until the leader snapshots (or press "snapshot now" on it), then bring the follower back.',
    ],
    explanation:
      'The leader keeps, for each follower, the next index to send. When that index has been compacted away, AppendEntries cannot help, so the leader sends its whole snapshot (InstallSnapshot, section 7 of the Raft paper); the follower replaces its state machine with it and takes entries from there.',
  },
  {
    id: 'commit-while-old-leader-isolated',
    title: 'Commit while the old leader is cut off',
    goal: 'Have a new leader commit a write while the old leader, on the other side of a partition, still believes it leads.',
    hints: [
      'A leader that cannot reach the others does not find out at once that it was replaced.',
      'The majority side elects a new leader in a higher term, and that leader can commit.',
      'Turn check-quorum off (so the old leader does not step down on its own), isolate the leader, and write through the majority.',
    ],
    explanation:
      'Two nodes can both think they lead, in different terms: only one of them can reach a majority, so only the newer one commits. The old leader’s writes wait forever and are overwritten when it rejoins. This is why a client must not trust a node just because it says it is the leader, and why check-quorum makes an isolated leader step down.',
  },
  {
    id: 'disruptive-rejoin',
    title: 'A partitioned node disrupts an election',
    goal: 'Make a node that was cut off from the majority depose a working leader when it comes back.',
    needs: 'pre-vote off',
    hints: [
      'A node that hears no leader times out and starts an election, raising its term, again and again.',
      'When it rejoins, its higher term reaches the leader, and a leader that sees a higher term steps down.',
      'Turn pre-vote off, isolate a follower for several election timeouts, then heal the network.',
    ],
    explanation:
      'Without pre-vote an isolated node keeps incrementing its term; on rejoining, its higher term forces the leader to step down even though its log is too old to win, and the cluster loses its leader for an election for nothing. Pre-vote (Raft thesis 9.6) asks "would you vote for me?" without raising the term first, so a node that cannot win never disrupts.',
  },
  {
    id: 'membership-stays-available',
    title: 'Change the membership without losing availability',
    goal: 'Add or remove a node and have a write acknowledged within a few seconds of the change, without the cluster getting stuck.',
    hints: [
      'A membership change is itself an entry in the log, committed like any other.',
      'Adding a node that is far behind as a voter can leave the new majority waiting for it.',
      'Add the node as a learner, let it catch up, promote it; or remove a follower. Keep writing meanwhile.',
    ],
    explanation:
      'Raft changes membership through the log (one server at a time, or joint consensus for several). A new voter that has not caught up counts toward the majority the leader needs, which is why etcd and Vault add learners (non-voters) first and promote them once they have the log.',
  },
  {
    id: 'one-failure-unavailable',
    title: 'Make the cluster unavailable with one failure',
    goal: 'With one failure (one node down, or one node cut off), stop the cluster from committing writes.',
    impossible: true,
    hints: [
      'Count how many nodes a leader needs for a majority.',
      'Try it: take one node away and keep writing.',
      'What would it take instead? How many failures does a cluster of 2f + 1 survive?',
    ],
    explanation:
      'It cannot be done. A cluster of 2f + 1 voters tolerates f failures: with one node away, the rest are still a majority, elect a leader (a new one, if the leader was the one you took) and commit. It takes a second failure at 3 nodes, and a third at 5. The lab saw a write commit with one node away.',
  },
  {
    id: 'two-leaders-one-term',
    title: 'Two leaders in one term',
    goal: 'Get two nodes to both be leader in the same term.',
    needs: 'the bug switch "Forget the vote on restart"',
    hints: [
      'A node becomes leader with votes from a majority; two majorities always share a node.',
      'So two leaders in one term need some node to vote twice in that term.',
      'Turn on "Forget the vote on restart", and restart a node that has just voted while an election is under way.',
    ],
    explanation:
      'Election safety holds because each node votes at most once per term and remembers that vote on disk before answering. A node that forgets its vote on restart can vote again in the same term, and two candidates can each collect a majority. The invariant monitor turned red at the moment it happened.',
  },
  {
    id: 'acknowledged-write-lost',
    title: 'An acknowledged write lost',
    goal: 'Have the cluster acknowledge a write and then serve a linearizable read that does not see it.',
    needs: 'the bug switch "Acknowledge before persisting"',
    hints: [
      'A write is acknowledged once it is committed: stored by a majority.',
      '"Stored" must mean on disk: a node that acknowledges what it only holds in memory can lose it.',
      'Turn on "Acknowledge before persisting", write, then cut the power to the nodes (a power loss, not a kill), restart them and read the key.',
    ],
    explanation:
      'Raft acknowledges a write only after a majority has persisted it, so any later majority includes a node that has it and the next leader must have it (leader completeness). Acknowledge before persisting and a power cut can take it from every node that had it. The write was acknowledged to the client, and the cluster no longer has it.',
  },
];

export function challengeById(id: string): Challenge | undefined {
  return CHALLENGES.find((challenge) => challenge.id === id);
}
