// Lease reads (thesis 6.4.1): a leader may answer a read from its own state machine while a quorum
// acknowledged heartbeats it sent less than an election timeout ago, because those followers refuse
// votes until then (check-quorum's lease on votes) — so no other leader can exist yet.
import { majorityIndex } from './quorum.ts';
import type { MembershipConfig, NodeId } from './types.ts';

export interface LeaseInput {
  readonly id: NodeId;
  readonly isLeader: boolean;
  readonly checkQuorum: boolean;
  readonly transferring: boolean;
  /** The leader has committed an entry of its own term (until then it does not know the commit index). */
  readonly committedInTerm: boolean;
  readonly ticks: number;
  readonly electionTicks: number;
  readonly config: MembershipConfig;
  /** The leader's tick at which the newest heartbeat this follower acknowledged was sent. */
  readonly leaseTickOf: (id: NodeId) => number;
}

/** Ticks the lease still lasts; 0 when a lease read is not safe. */
export function leaseRemainingTicks(input: LeaseInput): number {
  if (!input.isLeader || !input.checkQuorum || input.transferring || !input.committedInTerm) return 0;
  // The lease a quorum grants starts at the quorum-th newest acknowledged heartbeat send tick.
  const sentAt = (id: NodeId): number => (id === input.id ? input.ticks : input.leaseTickOf(id));
  const start = Math.min(majorityIndex(input.config.voters, sentAt), majorityIndex(input.config.votersOutgoing, sentAt));
  // Followers refuse votes until start + electionTicks; keep one tick of margin for clock phase.
  return Math.max(0, start + input.electionTicks - 1 - input.ticks);
}
