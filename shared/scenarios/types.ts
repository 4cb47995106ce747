// A scenario is data: a setup, then steps. Each step narrates what is about to happen and why,
// performs actions (lab commands whose node fields may name roles, not ids), and states what a
// person must then see. The same script runs as a guided tour in the page, as a simulator test
// and as a Playwright test against real nodes.
import type { Command, ErrorCode } from '../protocol/commands.ts';
import type { BugNameView, NodeLife } from '../protocol/views.ts';

/**
 * Names a node when the step runs: `$leader`; `$follower1`, `$follower2`… (live non-leaders in id
 * order); `$name` for a node captured earlier; or a plain id such as `n3`.
 */
export type NodeRef = string;

/** A lab command in which node fields (node, to, from, groups, minority, add, remove) may be NodeRefs. */
export type ScenarioCommand = Command;

export type NodeState = 'leader' | 'follower' | 'candidate' | 'down' | 'paused' | 'failed';

export type Expectation =
  /** Some live node leads. */
  | { readonly kind: 'leader-elected' }
  /** No live node leads (e.g. quorum lost). */
  | { readonly kind: 'no-leader' }
  | { readonly kind: 'leader-is'; readonly node: NodeRef }
  /** A leader exists and it is not this node (a failover happened). */
  | { readonly kind: 'leader-is-not'; readonly node: NodeRef }
  | { readonly kind: 'node-state'; readonly node: NodeRef; readonly state: NodeState }
  /** `value` null: the key is absent. `on`: every live node, a majority of all nodes, or these nodes. */
  | { readonly kind: 'key'; readonly key: string; readonly value: string | null; readonly on: 'all-live' | 'majority' | readonly NodeRef[] }
  /** Every live node has applied everything the leader committed, and their logs end alike. */
  | { readonly kind: 'converged' }
  /** The outcome of this step's last action: ok, or a failure (optionally with its error code). */
  | { readonly kind: 'result'; readonly ok: boolean; readonly code?: ErrorCode }
  /** The live safety checker raised a violation (of this invariant, if given). */
  | { readonly kind: 'violation'; readonly invariant?: string }
  | { readonly kind: 'no-violation' }
  | { readonly kind: 'voters'; readonly count: number }
  | { readonly kind: 'member'; readonly node: NodeRef; readonly as: 'voter' | 'learner' | 'none' }
  /** The node's log starts at a snapshot (it compacted, or installed the leader's). */
  | { readonly kind: 'snapshot'; readonly node: NodeRef; readonly source?: 'local' | 'leader' }
  /** Since the scenario started, this node had part of its log replaced by the leader's. */
  | { readonly kind: 'truncated'; readonly node: NodeRef }
  /** A node recovered from disk and cut a torn tail. */
  | { readonly kind: 'torn-tail'; readonly node: NodeRef }
  /** The leader's term is above the term captured under this name. */
  | { readonly kind: 'term-above'; readonly captured: string }
  /** A leader exists and its term is still the one captured (nobody disrupted it). */
  | { readonly kind: 'term-unchanged'; readonly captured: string }
  /** The node's log holds an entry with this index and term. */
  | { readonly kind: 'entry'; readonly node: NodeRef; readonly index: number; readonly term: number }
  /** The step's last action was a read that returned this value (null: absent). */
  | { readonly kind: 'read-value'; readonly value: string | null };

/**
 * A question a tour asks before the step runs (predict, then see). The answer is read from what
 * then really happened, never from the script: real nodes with real timers decide who wins.
 */
export type Prediction =
  /** Who leads once the step's checks hold; the choices are the nodes, and "no one". */
  | { readonly kind: 'leader'; readonly question: string }
  /** Yes or no: whether this expectation holds once the step ran. */
  | { readonly kind: 'holds'; readonly question: string; readonly expect: Expectation };

export interface ScenarioStep {
  readonly title: string;
  /** Asked before the step runs (its narration, which may give the answer away, is shown after). */
  readonly predict?: Prediction;
  /** What happens in this step and why, for the tour's narration panel (plain language). */
  readonly narration: string;
  /** Nodes to remember before the actions run, e.g. { old: '$leader' }. Terms too: { t: 'term' }. */
  readonly capture?: Readonly<Record<string, NodeRef | 'term'>>;
  readonly actions?: readonly ScenarioCommand[];
  /** All must hold (they are waited for). */
  readonly expect: readonly Expectation[];
  /** How long to wait for the expectations, in virtual milliseconds. Default 3000. */
  readonly withinMs?: number;
}

export interface ScenarioSetup {
  readonly nodes: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly bugs?: readonly BugNameView[];
  /** Compaction threshold for this scenario's cluster (small to show snapshots). */
  readonly snapshotThreshold?: number;
  /** Entries per Append; 1 makes each acknowledgement cover one entry. */
  readonly maxEntriesPerMessage?: number;
  /** Start from these logs instead of empty disks: every node at `term`, its entries' terms from
   *  index 2 on (index 1 is the bootstrap configuration). Values written are "index@tterm". */
  readonly prepared?: { readonly term: number; readonly logs: readonly (readonly number[])[]; readonly key: string };
  /** Clock speed for this scenario (virtual ms per real ms). */
  readonly speed?: number;
}

export interface Scenario {
  /** Used in links: /?scenario=figure-8 */
  readonly id: string;
  readonly title: string;
  /** One or two sentences for the picker. */
  readonly summary: string;
  /** The Raft mechanism it teaches, for grouping in the picker. */
  readonly topic: 'election' | 'replication' | 'failures' | 'safety' | 'storage' | 'membership' | 'reads' | 'clients';
  /** Rough duration at teaching speed, for the picker. */
  readonly minutes: number;
  readonly setup: ScenarioSetup;
  readonly steps: readonly ScenarioStep[];
}

/** What a scenario runs against: a real cluster, or the simulator's adapter. */
export interface ScenarioTarget {
  execute(command: Command): Promise<import('../protocol/commands.ts').CommandResult>;
  view(): import('../protocol/views.ts').ClusterView;
  /** Every event since the scenario started (for truncations, snapshots, torn tails). */
  history(): readonly import('../protocol/events.ts').ClusterEvent[];
  /** Resolves true once `ready()` holds, false after `virtualMs` of the target's time. */
  waitUntil(ready: () => boolean, virtualMs: number): Promise<boolean>;
}

export type NodeLifeState = NodeLife;
