// The node's construction options and the outcomes of its public operations.

import type { BugName } from './switches.ts';
import type { Entry, HardState, MembershipConfig, NodeId, Snapshot } from './types.ts';

/** Entries per Append when the config does not say. */
export const DEFAULT_MAX_ENTRIES_PER_MESSAGE = 64;

export interface RaftConfig {
  readonly id: NodeId;
  /** Used only when the node starts with an empty log and no snapshot (bootstrap). A node started
   *  without it and with an empty log has no configuration: it waits to be contacted by a leader. */
  readonly initialConfig?: MembershipConfig;
  /** Base election timeout in ticks; each timeout is drawn from [electionTicks, 2*electionTicks). */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** Injected seeded PRNG in [0,1) (see prng.ts); the core has no other source of randomness. */
  readonly random: () => number;
  readonly preVote?: boolean; // default true
  readonly checkQuorum?: boolean; // default true
  readonly forwardProposals?: boolean; // default false: followers refuse with a leader hint
  readonly maxInflight?: number; // default 64 Appends in flight per follower
  readonly maxEntriesPerMessage?: number; // default DEFAULT_MAX_ENTRIES_PER_MESSAGE (64)
  /** Suggest a snapshot (Status.snapshotSuggested) once applied - snapshotIndex >= this. Default 1000. */
  readonly snapshotThreshold?: number;
  /** Entries kept below a snapshot so slightly slow followers need no InstallSnapshot. Default 50. */
  readonly snapshotTrailing?: number;
  readonly bugs?: Partial<Record<BugName, boolean>>;
}

/** What the host read from its disk at start. */
export interface RestoredState {
  readonly hardState: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
}

export type ProposeRefusal =
  | 'not-leader' // leaderHint says whom to ask
  | 'forwarded' // forwardProposals: sent on to leaderHint; watch the applied entries for it
  | 'transferring' // leadership is being handed over; retry at the new leader
  | 'no-commit-in-term' // a new leader accepts a membership change only after committing in its term
  | 'conf-change-pending' // one membership change at a time
  | 'invalid-conf-change';

export type ProposeOutcome =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | { readonly ok: false; readonly reason: ProposeRefusal; readonly leaderHint: NodeId | null; readonly detail?: string };

/** A ReadIndex request that cannot be answered; the host should retry or fail the client read. */
export interface ReadFailure {
  readonly context: string;
  readonly reason: 'no-leader' | 'not-leader' | 'leadership-lost';
}
