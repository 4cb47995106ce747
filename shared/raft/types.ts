// The contract between the pure Raft core and every host that drives it (the worker runtime,
// the simulator, tests). Hosts depend on this file only; the core's internals may change freely.
//
// Host loop, as in etcd-io/raft's RawNode:
//   node.tick() / node.step(msg) / node.propose(data) / ...   (inputs; they return nothing to send)
//   if (node.hasReady()) {
//     const rd = node.ready();
//     const early = rd.sendBeforePersist ? rd.messages.length    // only when a bug switch asks for it
//                 : rd.messagesBeforePersist                     // a leader's Appends (thesis §10.2.1)
//     send(rd.messages.slice(0, early))                         // optional: early = 0 is always correct
//     persist(rd.snapshot, rd.entries, rd.hardState)             // one fdatasync (none if !rd.mustSync)
//     send(rd.messages.slice(early))                             // vote grants / acks after durability
//     apply(rd.committedEntries); answer(rd.readStates)
//     node.advance(rd)                                           // the leader counts itself only now
//   }
//
// Why a leader may replicate in parallel with its own disk write: its Appends promise nothing about
// its own log. What must not happen is the leader counting its own unsynced entries toward a
// commit quorum, so the core counts the leader's own log only up to what advance() reported as
// persisted. A host that sends everything after persisting (the simpler loop) stays correct; it
// only gives up the overlap of the leader's fdatasync with the followers'.

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
  /** Messages to hand to the bus: all of them. Sending all of them after persisting is always correct. */
  readonly messages: readonly MessageBase[];
  /** How many of `messages`, counted from the front, may be sent BEFORE this Ready is persisted:
   *  a leader's Appends, Heartbeats and Snapshots. 0 when the Ready changes term or vote (nothing
   *  of a term leaves before the term is durable). Acks and vote grants are never among them. */
  readonly messagesBeforePersist: number;
  /** ReadIndex answers; a read with context c may be served once applied >= index. */
  readonly readStates: readonly ReadState[];
  /** True when entries, term or vote changed (or a snapshot came): they must be fsynced before the
   *  messages after `messagesBeforePersist` go out. False when only the commit index moved: the host
   *  may write it without syncing (a lost commit index is recomputed from a quorum). */
  readonly mustSync: boolean;
  /** Set only by the `ackBeforePersist` bug switch: the host sends ALL messages before it persists. */
  readonly sendBeforePersist: boolean;
}
