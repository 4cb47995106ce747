// What the invariant monitor is told: plain data events a host can emit from what it does anyway
// (persist a Ready, apply entries, crash and restart a node). The simulator emits them from its
// host loop; the real server can emit the same ones from its event stream. Nothing here refers to
// the core's internals, only to the host contract (shared/raft/types.ts).

export type NodeId = string;
export type ObservedRole = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** An entry as the checkers compare it: two entries are the same if index, term and data are. */
export interface ObservedEntry {
  readonly index: number;
  readonly term: number;
  /** Entry.data, or any stable digest of it (and of the entry type). */
  readonly data: string;
}

export type Observation =
  /** The node's role and term right now (after a Ready's soft state, or any change). */
  | { readonly kind: 'role'; readonly node: NodeId; readonly term: number; readonly role: ObservedRole }
  /** A hard state made durable. */
  | { readonly kind: 'hard-state'; readonly node: NodeId; readonly term: number; readonly vote: NodeId | null; readonly commit: number }
  /** Entries made durable; as Ready.entries, they replace the stored log from entries[0].index on. */
  | { readonly kind: 'append'; readonly node: NodeId; readonly entries: readonly ObservedEntry[] }
  /** A snapshot made durable (installed or taken): the log up to `index` is now covered by it. */
  | { readonly kind: 'snapshot'; readonly node: NodeId; readonly index: number; readonly term: number }
  /** The node learned that entries up to `commit` are committed (Ready.committedEntries / hard state). */
  | { readonly kind: 'commit'; readonly node: NodeId; readonly commit: number }
  /** The node applied `entry` to its state machine. */
  | { readonly kind: 'apply'; readonly node: NodeId; readonly entry: ObservedEntry }
  /** The node stopped; anything not durable is gone. */
  | { readonly kind: 'crash'; readonly node: NodeId }
  /** The node came back with what its disk held. */
  | {
      readonly kind: 'restart';
      readonly node: NodeId;
      readonly hardState: { readonly term: number; readonly vote: NodeId | null; readonly commit: number };
      readonly snapshot?: { readonly index: number; readonly term: number };
      readonly log: readonly ObservedEntry[];
    };

export type InvariantName =
  | 'election-safety'
  | 'leader-append-only'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'durability'
  | 'single-vote';

export interface Violation {
  readonly invariant: InvariantName;
  /** Plain English for students: what went wrong and why Raft forbids it. */
  readonly explanation: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** Sequence number of the observation that revealed it (0-based). */
  readonly step: number;
}
