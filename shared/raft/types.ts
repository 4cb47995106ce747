// The contract between the pure Raft core and every host that drives it (the worker runtime,
// the simulator, tests). Hosts depend on this file only; the core's internals may change freely.
//
// Host loop, as in etcd-io/raft's RawNode:
//   node.tick() / node.step(msg) / node.propose(data) / ...   (inputs; they return nothing to send)
//   if (node.hasReady()) {
//     const rd = node.ready();
//     if (rd.sendBeforePersist) send(rd.messages)           // only when a bug switch asks for it
//     persist(rd.snapshot, rd.entries, rd.hardState)         // one fdatasync for the whole batch
//     if (!rd.sendBeforePersist) send(rd.messages)          // vote grants / acks after durability
//     apply(rd.committedEntries); answer(rd.readStates)
//     node.advance(rd)
//   }

/** Node ids are short strings such as "n1".."n9". */
export type NodeId = string;

export type EntryType = 'normal' | 'noop' | 'config';

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  /** Opaque to the core. For 'normal' a state-machine command (JSON text); for 'config' a
   *  JSON-encoded ConfChange; for 'noop' the empty string. */
  readonly data: string;
}

/** Durable state that must survive a crash. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId | null;
  readonly commit: number;
}

export interface MembershipConfig {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Non-empty while a joint-consensus change is in progress: the old voter set. */
  readonly votersOutgoing: readonly NodeId[];
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly config: MembershipConfig;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** Opaque state-machine image (the host's state machine serialises itself to text). */
  readonly data: string;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

export interface SoftState {
  readonly leader: NodeId | null;
  readonly role: Role;
}

export interface ReadState {
  /** The request context passed to readIndex(). */
  readonly context: string;
  /** Reads may be served once the local applied index reaches this index. */
  readonly index: number;
}

/** Every message between nodes. The bus relies only on the common fields; `type` discriminates. */
export interface MessageBase {
  readonly type: string;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** What the host must do next. See the loop at the top of this file. */
export interface Ready {
  /** Present when leader or role changed since the last Ready. Not persisted. */
  readonly softState?: SoftState;
  /** Present when term, vote or commit changed; persist it (atomically) before sending. */
  readonly hardState?: HardState;
  /** Entries to append to stable storage. If entries[0].index <= the last stored index,
   *  the stored log from that index on is replaced (a conflicting suffix is truncated). */
  readonly entries: readonly Entry[];
  /** A snapshot to persist (received via InstallSnapshot or created locally). The host
   *  restores its state machine from snapshot.data when it came from the leader. */
  readonly snapshot?: Snapshot;
  /** Entries committed and not yet applied; apply in order, after persisting. */
  readonly committedEntries: readonly Entry[];
  /** Messages to hand to the bus. */
  readonly messages: readonly MessageBase[];
  /** ReadIndex answers; a read with context c may be served once applied >= index. */
  readonly readStates: readonly ReadState[];
  /** True when entries or hardState must be fsynced before messages go out. */
  readonly mustSync: boolean;
  /** Set only by the `ackBeforePersist` bug switch: the host sends before it persists. */
  readonly sendBeforePersist: boolean;
}
