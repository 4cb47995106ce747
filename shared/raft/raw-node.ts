// RawNode: the host-facing API (etcd's rawnode.go). Inputs return nothing; the host then asks
// hasReady() → ready() → persists, sends, applies → advance(ready). See the loop in types.ts.

import { ticksUntilDue } from './timers.ts';
import type { ConfChange } from './config.ts';
import type { Message } from './messages.ts';
import type { ProposeOutcome, RaftConfig, ReadFailure, RestoredState } from './options.ts';
import type { ProgressState } from './progress.ts';
import { Raft } from './raft.ts';
import type { SnapshotSource } from './raft-log.ts';
import type { SwitchChange, Switches } from './switches.ts';
import type { Entry, HardState, MembershipConfig, NodeId, Ready, Role, SoftState } from './types.ts';

/** Ready with the core's extensions. Everything in Ready keeps its meaning. */
export interface RaftReady extends Ready {
  readonly messages: readonly Message[];
  /** ReadIndex requests that will not be answered (no leader, leadership lost); retry or fail them. */
  readonly readFailures: readonly ReadFailure[];
  /** With `snapshot`: 'leader' = installed from the leader, restore the state machine from its data;
   *  'local' = the host's own compaction, persist it only. */
  readonly snapshotSource?: SnapshotSource;
  /** Stored entries below this index are covered by the snapshot and may be deleted. */
  readonly compactedBefore?: number;
}

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly inflight: number;
  readonly recentActive: boolean;
  readonly isLearner: boolean;
  readonly pendingSnapshot: number;
}

export interface Status {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly leader: NodeId | null;
  readonly commit: number;
  readonly applied: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly lastTerm: number;
  readonly snapshotIndex: number;
  readonly config: MembershipConfig;
  readonly configIndex: number;
  /** Per member, on the leader only (empty elsewhere). */
  readonly progress: Readonly<Record<NodeId, ProgressStatus>>;
  readonly leadTransferee: NodeId | null;
  readonly pendingConfIndex: number;
  readonly electionElapsed: number;
  readonly randomizedElectionTimeout: number;
  /** Lease read: safe to serve a read from local state now (leader with a valid lease). */
  readonly leaseReadSafe: boolean;
  readonly leaseRemainingTicks: number;
  /** The host should snapshot: applied - snapshotIndex >= snapshotThreshold. */
  readonly snapshotSuggested: boolean;
  readonly switches: Switches;
}

export class RawNode {
  private readonly raft: Raft;
  private prevHardState: HardState;
  private prevSoftState: SoftState;
  /** Highest committed index handed out in a Ready and not yet advanced. */
  private applying: number;

  constructor(config: RaftConfig, restored?: RestoredState) {
    this.raft = new Raft(config, restored);
    this.prevHardState = this.raft.initialHardState;
    this.prevSoftState = { leader: null, role: 'follower' };
    this.applying = this.raft.applied;
  }

  tick(): void {
    this.raft.tick();
  }

  /** Ticks until one can have an effect (timers.ts): a host may sleep until then and feed the
   *  ticks in between, in order, before its next input. Infinity when no tick will matter. */
  ticksUntilDue(): number {
    return ticksUntilDue(this.raft);
  }

  /** Any message from the bus. Misaddressed, stale or unexpected messages are ignored, never thrown on. */
  step(message: Message): void {
    this.raft.step(message);
  }

  propose(data: string): ProposeOutcome {
    return this.raft.propose(data);
  }

  proposeConfChange(change: ConfChange): ProposeOutcome {
    return this.raft.proposeConfChange(change);
  }

  /** Linearizable read: the answer arrives as Ready.readStates (or Ready.readFailures). */
  readIndex(context: string): void {
    this.raft.readIndex(context);
  }

  /** On the leader: hand leadership to `to`; elsewhere the request is forwarded to the leader. */
  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
  }

  /** "Time out now": start an election (a pre-vote first when preVote is on). */
  campaign(): void {
    this.raft.hup(false);
  }

  /** The host took a state-machine snapshot at `index` (<= applied); older entries may go. */
  compact(index: number, snapshotData: string): void {
    this.raft.compact(index, snapshotData);
  }

  setSwitches(change: SwitchChange): void {
    this.raft.setSwitches(change);
  }

  hasReady(): boolean {
    const r = this.raft;
    return (
      r.msgs.length > 0 ||
      r.leaderMsgs.length > 0 ||
      r.readStates.length > 0 ||
      r.readFailures.length > 0 ||
      r.log.pendingSnapshot !== null ||
      r.log.unstableFrom <= r.log.lastIndex() ||
      this.nextCommittedFrom() <= r.log.commit ||
      !sameHardState(this.hardState(), this.prevHardState) ||
      !sameSoftState(this.softState(), this.prevSoftState)
    );
  }

  ready(): RaftReady {
    const r = this.raft;
    const hardState = this.hardState();
    const softState = this.softState();
    const entries = r.log.unstableEntries();
    const pending = r.log.pendingSnapshot;
    const committedEntries = r.log.slice(this.nextCommittedFrom(), r.log.commit + 1);
    const hardChanged = !sameHardState(hardState, this.prevHardState);
    const termOrVoteChanged = hardState.term !== this.prevHardState.term || hardState.vote !== this.prevHardState.vote;
    const mustSync = entries.length > 0 || pending !== null || termOrVoteChanged;
    // A leader's Appends may overtake its own write, but never its term: in a Ready that changes
    // term or vote (a node that won alone, or stepped down) everything waits for the persist, so
    // no message of term T leaves before term T is durable here.
    const messages = r.leaderMsgs.length === 0 ? r.msgs : r.msgs.length === 0 ? r.leaderMsgs : [...r.leaderMsgs, ...r.msgs];
    const messagesBeforePersist = termOrVoteChanged ? 0 : r.leaderMsgs.length;
    const rd: RaftReady = {
      ...(sameSoftState(softState, this.prevSoftState) ? {} : { softState }),
      ...(hardChanged ? { hardState } : {}),
      entries,
      ...(pending !== null ? { snapshot: pending.snapshot, snapshotSource: pending.source, compactedBefore: r.log.firstIndex() } : {}),
      committedEntries,
      messages,
      messagesBeforePersist,
      readStates: r.readStates,
      readFailures: r.readFailures,
      mustSync,
      sendBeforePersist: r.switches.bugs.ackBeforePersist,
    };
    // Accept the Ready: what it carries is not reported again.
    r.msgs = [];
    r.leaderMsgs = [];
    r.readStates = [];
    r.readFailures = [];
    this.prevHardState = hardState;
    this.prevSoftState = softState;
    const lastCommitted = committedEntries[committedEntries.length - 1];
    if (lastCommitted !== undefined) this.applying = lastCommitted.index;
    return rd;
  }

  /** The host persisted, sent and applied everything in `rd`. */
  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.snapshot !== undefined) {
      if (r.log.pendingSnapshot?.snapshot === rd.snapshot) r.log.pendingSnapshot = null;
      r.applied = Math.max(r.applied, rd.snapshot.metadata.index);
      this.applying = Math.max(this.applying, r.applied);
    }
    const lastEntry: Entry | undefined = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) {
      r.log.stableTo(lastEntry.index, lastEntry.term);
      r.selfPersisted();
    }
    for (const e of rd.committedEntries) {
      if (e.index <= r.applied) continue;
      if (e.type === 'config') r.applyConfigEntry(e);
      r.applied = e.index;
    }
    r.afterApply();
  }

  status(): Status {
    const r = this.raft;
    const progress: Record<NodeId, ProgressStatus> = {};
    if (r.role === 'leader') {
      for (const [id, pr] of r.progress) {
        progress[id] = {
          match: pr.match, next: pr.next, state: pr.state, inflight: pr.inflights.length,
          recentActive: pr.recentActive, isLearner: pr.isLearner, pendingSnapshot: pr.pendingSnapshot,
        };
      }
    }
    const snapshotIndex = r.log.snapshot?.metadata.index ?? 0;
    const leaseRemainingTicks = r.leaseRemaining();
    return {
      id: r.id, role: r.role, term: r.term, vote: r.vote, leader: r.lead, commit: r.log.commit, applied: r.applied,
      firstIndex: r.log.firstIndex(), lastIndex: r.log.lastIndex(), lastTerm: r.log.lastTerm(), snapshotIndex,
      config: r.config, configIndex: r.configIndex, progress, leadTransferee: r.leadTransferee,
      pendingConfIndex: r.pendingConfIndex, electionElapsed: r.electionElapsed,
      randomizedElectionTimeout: r.randomizedElectionTimeout, leaseReadSafe: leaseRemainingTicks > 0,
      leaseRemainingTicks, snapshotSuggested: r.applied - snapshotIndex >= r.snapshotThreshold, switches: r.switches,
    };
  }

  /** status().snapshotSuggested without building the whole status (the host asks after every turn). */
  snapshotSuggested(): boolean {
    const r = this.raft;
    return r.applied - (r.log.snapshot?.metadata.index ?? 0) >= r.snapshotThreshold;
  }

  /** The snapshot the leader would send (for hosts that serve snapshot downloads). */
  latestSnapshot(): RaftReady['snapshot'] | null {
    return this.raft.log.snapshot;
  }

  private nextCommittedFrom(): number {
    const r = this.raft;
    const snapshotIndex = r.log.pendingSnapshot?.snapshot.metadata.index ?? 0;
    return Math.max(r.applied, this.applying, snapshotIndex) + 1;
  }

  private hardState(): HardState {
    return { term: this.raft.term, vote: this.raft.vote, commit: this.raft.log.commit };
  }

  private softState(): SoftState {
    return { leader: this.raft.lead, role: this.raft.role };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}
