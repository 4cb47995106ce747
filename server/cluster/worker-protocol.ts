// Messages between the main thread and one node's worker. Both ends are our code, so these are
// typed rather than validated; everything from outside is validated before it gets this far.
import type { MessagePort } from 'node:worker_threads';
import type { MessageBase, MembershipConfig } from '../../shared/raft/types.ts';
import type { ConfChange, SwitchChange } from '../../shared/raft/index.ts';
import type { Observation } from '../../shared/check/index.ts';
import type { DiskView, EntryView, NodeStatus } from '../../shared/protocol/views.ts';
import type { Consistency } from '../../shared/protocol/events.ts';
import type { AppliedValue } from '../../shared/host/apply-committed.ts';

export interface RaftTiming {
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
}

export interface WorkerInit {
  readonly id: string;
  readonly dir: string;
  readonly timing: RaftTiming;
  /** Membership used only if the node's disk is empty and it is the cluster's bootstrap node. */
  readonly initialConfig?: MembershipConfig;
  /** Seeds this incarnation's PRNG (randomized election timeouts). */
  readonly seed: number;
  readonly switches: SwitchChange;
  /** Compaction: snapshot once this many entries were applied since the last snapshot. */
  readonly snapshotThreshold: number;
  readonly snapshotTrailing: number;
  readonly maxEntriesPerMessage?: number;
  /** The lab clock's ticks (tick-cell.ts) and how fast they come now. */
  readonly ticks: WorkerTicks;
}

export interface WorkerTicks {
  /** The cluster's TickCell memory: the count of ticks so far and when the next is planned. */
  readonly cell: SharedArrayBuffer;
  /** The count when the worker was spawned: the node lives through the ticks of its own start-up,
   *  as a process's timers run while it loads. */
  readonly since: number;
  readonly tickMs: number;
  readonly speed: number;
  readonly paused: boolean;
}

/** What a read returns: a key's value (the latest, or one version), its Vault metadata, or the
 *  children of a folder (Vault's LIST). All at the read's consistency. */
export type ReadQuery = { readonly what: 'value'; readonly version?: number } | { readonly what: 'metadata' } | { readonly what: 'list' };

export type ClientRequest =
  | { readonly kind: 'propose'; readonly requestId: number; readonly command: string }
  | { readonly kind: 'read'; readonly requestId: number; readonly key: string; readonly consistency: Consistency; readonly query?: ReadQuery }
  | { readonly kind: 'conf-change'; readonly requestId: number; readonly change: ConfChange }
  | { readonly kind: 'transfer'; readonly requestId: number; readonly to: string }
  | { readonly kind: 'campaign'; readonly requestId: number }
  | { readonly kind: 'snapshot-now'; readonly requestId: number }
  | { readonly kind: 'switches'; readonly requestId: number; readonly change: SwitchChange }
  | { readonly kind: 'disk'; readonly requestId: number }
  /** The state machine's image now (for a Vault-style snapshot save). */
  | { readonly kind: 'snapshot-data'; readonly requestId: number };

export type ToWorker =
  /** The lab clock changed speed, paused or resumed: the worker re-plans its next wake-up. */
  | { readonly type: 'clock'; readonly speed: number; readonly paused: boolean }
  /** The node was paused or resumed (the lab's pause button): a paused node lives through no ticks. */
  | { readonly type: 'freeze'; readonly frozen: boolean }
  /** Every message due for this node in one scheduler run: one structured clone, one wake-up. */
  | { readonly type: 'deliver'; readonly messages: readonly MessageBase[] }
  /** Client requests for this node that arrived in one turn of the main thread's event loop. */
  | { readonly type: 'clients'; readonly requests: readonly ClientRequest[] }
  /** A direct lane to a peer's worker (lanes.ts), its port transferred with this message. */
  | { readonly type: 'lane-attach'; readonly peer: string; readonly port: MessagePort }
  | { readonly type: 'lane-detach'; readonly peer: string }
  /** Which lanes may carry messages now; the others' messages go through the bus. */
  | { readonly type: 'lanes'; readonly sendTo: readonly string[]; readonly receiveFrom: readonly string[] };

export type FailureCode = 'not-leader' | 'conflict' | 'bad-request' | 'lost' | 'unavailable' | 'internal';

export type ClientOutcome =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly code: FailureCode; readonly leader?: string | null; readonly error: string };

export type { AppliedValue };

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

export type FromWorker =
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
