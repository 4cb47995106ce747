// The leader's half of log replication (section 5.3): Appends with batching and pipelining, fast
// backtracking on rejection, InstallSnapshot for followers behind the compacted log, heartbeats,
// check-quorum, and the commit rule of section 5.4.2.

import { allMembers, isVoter } from './config.ts';
import type { AppendResponseMessage, HeartbeatResponseMessage } from './messages.ts';
import { Progress } from './progress.ts';
import { committedIndex, hasQuorum } from './quorum.ts';
import type { Raft } from './raft.ts';
import type { NodeId } from './types.ts';

export class Replication {
  constructor(private readonly raft: Raft) {}

  /** Starts tracking a follower: optimistic next = our last index + 1, probing from there. */
  track(id: NodeId): Progress {
    const r = this.raft;
    const pr = new Progress(id, r.log.lastIndex() + 1, !isVoter(r.config, id), r.maxInflight);
    r.progress.set(id, pr);
    return pr;
  }

  /** After a membership change: track new members, forget removed ones, update learner flags. */
  syncProgress(): void {
    const r = this.raft;
    const members = allMembers(r.config);
    for (const id of members) {
      const pr = r.progress.get(id) ?? this.track(id);
      pr.isLearner = !isVoter(r.config, id);
    }
    for (const id of [...r.progress.keys()]) if (!members.includes(id)) r.progress.delete(id);
  }

  /** Section 5.4.2: only an entry of the current term is committed by counting replicas; earlier
   *  entries commit with it. The commitByCounting bug drops the term check (Figure 8). */
  maybeCommit(): boolean {
    const r = this.raft;
    const index = committedIndex(r.config, (id) => r.progress.get(id)?.match ?? 0);
    if (index <= r.log.commit) return false;
    if (!r.switches.bugs.commitByCounting && r.log.term(index) !== r.term) return false;
    if (!r.log.commitTo(index)) return false;
    if (r.log.term(r.log.commit) === r.term && r.readsBeforeCommit.length > 0) {
      const waiting = r.readsBeforeCommit;
      r.readsBeforeCommit = [];
      for (const read of waiting) r.leaderReadIndex(read.context, read.from);
    }
    return true;
  }

  bcastAppend(): void {
    for (const id of this.raft.progress.keys()) if (id !== this.raft.id) this.maybeSendAppend(id, true);
  }

  /** Sends the next batch to `to` unless its progress is paused. Returns whether anything was sent. */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const r = this.raft;
    const pr = r.progress.get(to);
    if (pr === undefined || to === r.id || pr.isPaused()) return false;
    pr.next = Math.min(pr.next, r.log.lastIndex() + 1);
    const prevIndex = pr.next - 1;
    const prevTerm = r.log.term(prevIndex);
    if (prevTerm === undefined || pr.next < r.log.firstIndex()) return this.sendSnapshot(pr);
    const entries = r.log.slice(pr.next, r.log.lastIndex() + 1, r.maxEntriesPerMessage);
    if (entries.length === 0 && !sendIfEmpty) return false;
    r.send({ type: 'Append', to, prevIndex, prevTerm, entries, commit: r.log.commit });
    pr.sentEntries(prevIndex + entries.length, entries.length);
    return true;
  }

  /** Section 7: the entries this follower needs are compacted; send the snapshot instead. */
  private sendSnapshot(pr: Progress): boolean {
    const snapshot = this.raft.log.snapshot;
    if (snapshot === null) return false;
    this.raft.send({ type: 'Snapshot', to: pr.id, snapshot });
    pr.becomeSnapshot(snapshot.metadata.index);
    return true;
  }

  handleAppendResponse(m: AppendResponseMessage): void {
    const r = this.raft;
    const pr = r.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.reject) {
      // Fast backtracking: jump to the last index of ours whose term is <= the follower's conflict term.
      const hint = m.conflictTerm > 0 ? r.log.findConflictByTerm(m.conflictIndex, m.conflictTerm).index : m.conflictIndex;
      if (pr.maybeDecrTo(m.index, hint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.maybeSendAppend(m.from, true);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) return;
    if (pr.state === 'probe') {
      pr.becomeReplicate();
    } else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') {
      pr.freeInflightsUpTo(m.index);
    }
    if (this.maybeCommit()) this.bcastAppend(); // followers learn the new commit index promptly
    else if (wasPaused) this.maybeSendAppend(m.from, true);
    while (this.maybeSendAppend(m.from, false)) {
      // pipelining: fill the in-flight window
    }
    if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) {
      r.send({ type: 'TimeoutNow', to: m.from }); // thesis 3.10: the target is caught up; let it campaign
    }
  }

  handleHeartbeatResponse(m: HeartbeatResponseMessage): void {
    const r = this.raft;
    const pr = r.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.leaseTick = Math.max(pr.leaseTick, m.sentTick);
    // The follower is alive: retry a probe whose Append or answer may have been lost, and leave a
    // replicate window that stays full (its Appends were lost) by probing again from match + 1.
    if (pr.state === 'probe') pr.probeSent = false;
    if (pr.state === 'replicate' && pr.inflightFull()) pr.becomeProbe();
    if (m.lastIndex < pr.match && pr.state !== 'snapshot') {
      // Raft assumes acknowledged entries stay on the follower's disk; this one lost them (its
      // disk was wiped or replaced). Start over from what it holds: probe, then a snapshot if the
      // entries it needs were compacted away. Lowering match never lowers the commit index.
      pr.match = m.lastIndex;
      pr.becomeProbe();
    }
    if (pr.match < r.log.lastIndex()) this.maybeSendAppend(m.from, true);
    if (m.context === '') return;
    const released = r.reads.ack(m.context, m.from, (acks) => hasQuorum(r.config, (id) => acks.has(id)));
    for (const read of released) r.answerRead(read.context, read.index, read.from);
  }

  bcastHeartbeat(context: string): void {
    const r = this.raft;
    for (const [id, pr] of r.progress) {
      if (id === r.id) continue;
      // Never tell a follower to commit past what it is known to hold.
      const commit = Math.min(pr.match, r.log.commit);
      r.send({ type: 'Heartbeat', to: id, commit, context, sentTick: r.ticks });
    }
  }

  /** Check-quorum: whether a quorum was heard from since the last check; starts a new round. */
  quorumActive(): boolean {
    const r = this.raft;
    const active = hasQuorum(r.config, (id) => id === r.id || (r.progress.get(id)?.recentActive ?? false));
    for (const [id, pr] of r.progress) if (id !== r.id) pr.recentActive = false;
    return active;
  }

  /** A snapshot that was lost in flight is retried: after an election timeout, probe again. */
  tickSnapshots(): void {
    for (const pr of this.raft.progress.values()) {
      if (pr.state !== 'snapshot') continue;
      pr.snapshotTicks++;
      if (pr.snapshotTicks >= this.raft.electionTicks) pr.becomeProbe();
    }
  }
}
