// What a node host and the node runtime say to each other, the same whether the runtime runs in a
// worker thread with the real WAL (server/cluster/node-worker.ts) or in the simulator with a
// memory disk (shared/sim). Both ends are our code, so these are typed rather than validated;
// everything from outside is validated before it gets this far.
import type { ConfChange, SwitchChange } from '../raft/index.ts';
import type { MembershipConfig, MessageBase } from '../raft/types.ts';
import type { Observation } from '../check/observations.ts';
import type { DiskView, EntryView, NodeStatus } from '../protocol/views.ts';
import type { Consistency } from '../protocol/events.ts';
import type { AppliedValue } from '../host/apply-committed.ts';
import type { DiskFault } from './disk-fault.ts';
import type { NodeAnswer } from './answers.ts';

export type { AppliedValue };

export interface RaftTiming {
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
}

/** One incarnation of a node: who it is and how its core is set up. Its disk is a port of its own. */
export interface NodeInit {
  readonly id: string;
  readonly timing: RaftTiming;
  /** Membership used only if the node's disk is empty and it is the cluster's bootstrap node. */
  readonly initialConfig?: MembershipConfig;
  /**
   * A bootstrap node that is its configuration's only voter, on an empty disk, campaigns at once
   * instead of waiting out a randomized election timeout: nobody can split its vote, so the wait
   * is pure latency (a test fixture's cluster start). Off where the wait is the lesson (teaching).
   */
  readonly campaignAtBootstrap?: boolean;
  /** Seeds this incarnation's PRNG (randomized election timeouts). */
  readonly seed: number;
  readonly switches: SwitchChange;
  /** Compaction: snapshot once this many entries were applied since the last snapshot. */
  readonly snapshotThreshold: number;
  readonly snapshotTrailing: number;
  readonly maxEntriesPerMessage?: number;
  /** Appends in flight per follower before the leader waits for acks (the core's default if unset). */
  readonly maxInflight?: number;
}

/** What a read returns: a key's value (the latest, or one version), its Vault metadata, or the
 *  children of a folder (Vault's LIST). All at the read's consistency. */
export type ReadQuery = { readonly what: 'value'; readonly version?: number } | { readonly what: 'metadata' } | { readonly what: 'list' };

/** A request to one node that expects an answer (client operations, membership, snapshots). */
export type NodeRequest =
  | { readonly kind: 'propose'; readonly command: string }
  | { readonly kind: 'read'; readonly key: string; readonly consistency: Consistency; readonly query?: ReadQuery }
  | { readonly kind: 'conf-change'; readonly change: ConfChange }
  | { readonly kind: 'transfer'; readonly to: string }
  | { readonly kind: 'campaign' }
  | { readonly kind: 'snapshot-now' }
  | { readonly kind: 'switches'; readonly change: SwitchChange }
  | { readonly kind: 'disk' }
  /** The disk's fault changes (disk-fault.ts): slow, failing, full, or healthy again. */
  | { readonly kind: 'disk-fault'; readonly fault: DiskFault }
  /** The state machine's image now (for a Vault-style snapshot save). */
  | { readonly kind: 'snapshot-data' };

/** A request with the id its answer comes back under. */
export type ClientRequest = NodeRequest & { readonly requestId: number };

export type FailureCode = 'not-leader' | 'conflict' | 'bad-request' | 'lost' | 'unavailable' | 'internal';

export type ClientOutcome =
  /** The answer to the request's kind (answers.ts: AnswerTo). */
  | { readonly ok: true; readonly value: NodeAnswer }
  | {
      readonly ok: false;
      readonly code: FailureCode;
      readonly leader?: string | null;
      readonly error: string;
      /** A check-and-set that did not match: the key's version when it applied. */
      readonly current?: number;
    };

/** One report per burst of work, so a batch costs one postMessage. */
export interface ReadyReport {
  readonly type: 'ready';
  readonly status?: NodeStatus;
  readonly truncatedFrom?: number;
  readonly appended: readonly EntryView[];
  /** Set when the state machine was replaced: the page drops its copy; `applied` then lists every key. */
  readonly kvReset?: 'snapshot' | 'restore' | 'recovery';
  readonly applied: readonly AppliedValue[];
  /** Messages for the bus to route (including ones a closed lane turned away). */
  readonly messages: readonly MessageBase[];
  /** Messages this node took from its direct lanes since its last report: the bus records them. */
  readonly received?: readonly MessageBase[];
  readonly outcomes: readonly { readonly requestId: number; readonly outcome: ClientOutcome }[];
  /** What this report cost on disk: fdatasync batches, entries written, time spent syncing. */
  readonly persisted: { readonly batches: number; readonly entries: number; readonly fsyncMs: number } | null;
  readonly snapshots: readonly { readonly index: number; readonly term: number; readonly source: 'local' | 'leader' }[];
  /** Present at most every few hundred ms, when the disk changed. */
  readonly disk?: DiskView;
  /** For the live safety checker (entries carried as digests, not data). */
  readonly observations: readonly Observation[];
}

export type NodeReport =
  | {
      readonly type: 'recovered';
      readonly log: readonly EntryView[];
      readonly term: number;
      readonly vote: string | null;
      readonly snapshotIndex: number;
      readonly tornTail: string | null;
      readonly status: NodeStatus;
      readonly disk: DiskView;
      readonly observation: Observation;
    }
  | ReadyReport
  | { readonly type: 'fatal'; readonly error: string };
