// Every message between Raft nodes. Plain JSON data: they cross postMessage and WebSockets and are
// shown in the inspector. `type` discriminates. Messages whose term is 0 (Propose, ReadIndex,
// ReadIndexResponse, TransferLeader) are not bound to a term, as etcd's MsgProp: they are requests
// to whoever is leader now, so a term mismatch must not make them disappear.

import type { Entry, MessageBase, NodeId, Snapshot } from './types.ts';

/** RequestVote (Figure 2). `transfer` marks a vote asked for by a leadership transfer (TimeoutNow),
 *  which followers honour even while they still hear from the old leader. */
export interface VoteMessage extends MessageBase {
  readonly type: 'Vote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly transfer: boolean;
}

/** Pre-vote (thesis 9.6): `term` is the term the sender would campaign in; nobody's term changes. */
export interface PreVoteMessage extends MessageBase {
  readonly type: 'PreVote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly transfer: boolean;
}

export interface VoteResponseMessage extends MessageBase {
  readonly type: 'VoteResponse';
  readonly reject: boolean;
}

export interface PreVoteResponseMessage extends MessageBase {
  readonly type: 'PreVoteResponse';
  readonly reject: boolean;
}

/** AppendEntries (Figure 2). */
export interface AppendMessage extends MessageBase {
  readonly type: 'Append';
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/** Answer to Append and Snapshot. On success `index` is the follower's last index known to match the
 *  leader. On rejection `index` is the rejected prevIndex and the conflict hint lets the leader skip a
 *  whole term at once (fast backtracking, section 5.3): `conflictIndex` is the largest index whose term
 *  is <= the leader's prevTerm, `conflictTerm` its term. */
export interface AppendResponseMessage extends MessageBase {
  readonly type: 'AppendResponse';
  readonly reject: boolean;
  readonly index: number;
  readonly conflictIndex: number;
  readonly conflictTerm: number;
}

/** Heartbeat: an empty Append that carries no log position, so it cannot be rejected. `context` is the
 *  ReadIndex round it confirms; `sentTick` (the leader's clock) is echoed back to measure the lease. */
export interface HeartbeatMessage extends MessageBase {
  readonly type: 'Heartbeat';
  readonly commit: number;
  readonly context: string;
  readonly sentTick: number;
}

/** `lastIndex` is the follower's last log index: a leader that sees it below the follower's match
 *  learns that the follower lost entries it had acknowledged (a wiped or replaced disk). */
export interface HeartbeatResponseMessage extends MessageBase {
  readonly type: 'HeartbeatResponse';
  readonly context: string;
  readonly sentTick: number;
  readonly lastIndex: number;
}

/** InstallSnapshot (section 7), sent whole: snapshots here are small text images. */
export interface SnapshotMessage extends MessageBase {
  readonly type: 'Snapshot';
  readonly snapshot: Snapshot;
}

/** Leadership transfer (thesis 3.10): start an election now, without waiting for a timeout. */
export interface TimeoutNowMessage extends MessageBase {
  readonly type: 'TimeoutNow';
}

/** A follower forwarding client commands to the leader (forwardProposals). Term 0. */
export interface ProposeMessage extends MessageBase {
  readonly type: 'Propose';
  readonly data: readonly string[];
}

/** A follower asking the leader for a read index (thesis 6.4). Term 0. */
export interface ReadIndexMessage extends MessageBase {
  readonly type: 'ReadIndex';
  readonly context: string;
}

/** The leader's answer; `ok: false` when the receiver was not (or stopped being) leader. Term 0. */
export interface ReadIndexResponseMessage extends MessageBase {
  readonly type: 'ReadIndexResponse';
  readonly context: string;
  readonly index: number;
  readonly ok: boolean;
}

/** A follower asking the leader to hand leadership to `target`. Term 0. */
export interface TransferLeaderMessage extends MessageBase {
  readonly type: 'TransferLeader';
  readonly target: NodeId;
}

export type Message =
  | VoteMessage
  | PreVoteMessage
  | VoteResponseMessage
  | PreVoteResponseMessage
  | AppendMessage
  | AppendResponseMessage
  | HeartbeatMessage
  | HeartbeatResponseMessage
  | SnapshotMessage
  | TimeoutNowMessage
  | ProposeMessage
  | ReadIndexMessage
  | ReadIndexResponseMessage
  | TransferLeaderMessage;

export type MessageType = Message['type'];

export const MESSAGE_TYPES: readonly MessageType[] = [
  'Vote', 'PreVote', 'VoteResponse', 'PreVoteResponse', 'Append', 'AppendResponse', 'Heartbeat',
  'HeartbeatResponse', 'Snapshot', 'TimeoutNow', 'Propose', 'ReadIndex', 'ReadIndexResponse', 'TransferLeader',
];

/** Messages that are requests to "whoever leads now" and carry term 0. */
export function isTermless(m: Message): boolean {
  return m.type === 'Propose' || m.type === 'ReadIndex' || m.type === 'ReadIndexResponse' || m.type === 'TransferLeader';
}

/** Distributes Omit over the union so each member keeps its own fields. */
export type Unsent<M> = M extends Message ? Omit<M, 'from' | 'term'> & { term?: number } : never;
