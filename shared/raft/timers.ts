// When the next tick can change anything a node does or shows. A host that is told this can let
// the node sleep until then instead of waking it for every tick: the ticks in between only move
// counters, and the host feeds them (in order, before any other input) whenever it wakes.
//
// What a tick can do, and so what this must cover (raft.ts `tickLeader` / `tickElection`):
// a follower or candidate starts an election when its randomized timeout runs out; a leader sends
// heartbeats, checks its quorum (and aborts an unfinished transfer) every election timeout, moves
// a follower stuck in snapshot state back to probing, and loses its lease read when the lease ends.
import type { Raft } from './raft.ts';

/** Ticks until the earliest tick with an effect (at least 1); Infinity when no tick will have one. */
export function ticksUntilDue(raft: Raft): number {
  let due = Infinity;
  if (raft.role === 'leader') {
    due = Math.min(raft.heartbeatTicks - raft.heartbeatElapsed, raft.electionTicks - raft.electionElapsed);
    for (const pr of raft.progress.values()) if (pr.state === 'snapshot') due = Math.min(due, raft.electionTicks - pr.snapshotTicks);
    const lease = raft.leaseRemaining();
    if (lease > 0) due = Math.min(due, lease);
  } else if (raft.promotable()) {
    due = raft.randomizedElectionTimeout - raft.electionElapsed;
  }
  return Math.max(1, due);
}
