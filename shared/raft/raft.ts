// The Raft state machine (etcd-io/raft's raft.go): roles, terms, elections and message handling.
// It owns no socket, file or clock. Inputs are tick(), step() and the proposal methods; outputs are
// queued in `msgs`, `readStates`, `readFailures` and the log, which RawNode turns into a Ready.
// Leader-side replication lives in replication.ts.

import { leaseRemainingTicks } from './lease.ts';
import { bootstrapEntry, contiguousAfter } from './restore.ts';
import {
  EMPTY_CONFIG, allMembers, allVoters, applyConfChange, decodeConfChange, encodeConfChange,
  isJoint, isVoter,
} from './config.ts';
import type { ConfChange } from './config.ts';
import { isTermless } from './messages.ts';
import type {
  AppendMessage, HeartbeatMessage, Message, PreVoteMessage, SnapshotMessage, Unsent, VoteMessage,
} from './messages.ts';
import { DEFAULT_MAX_ENTRIES_PER_MESSAGE, type ProposeOutcome, type RaftConfig, type ReadFailure, type RestoredState } from './options.ts';
import { Progress } from './progress.ts';
import { hasQuorum, voteResult } from './quorum.ts';
import type { VoteResult } from './quorum.ts';
import { RaftLog } from './raft-log.ts';
import { ReadOnlyQueue } from './read-only.ts';
import { Replication } from './replication.ts';
import { applySwitchChange, noBugs } from './switches.ts';
import type { SwitchChange, Switches } from './switches.ts';
import type { Entry, EntryType, HardState, MembershipConfig, NodeId, ReadState, Role } from './types.ts';

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId | null = null;
  lead: NodeId | null = null;
  role: Role = 'follower';
  readonly log = new RaftLog();
  config: MembershipConfig = EMPTY_CONFIG;
  /** Index of the entry (or snapshot) the current config came from. */
  configIndex = 0;
  /** Applied configs since the snapshot, so a snapshot at any applied index records the right one. */
  configHistory: { index: number; config: MembershipConfig }[] = [{ index: 0, config: EMPTY_CONFIG }];
  applied = 0;
  progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();
  /** Messages that must wait until the Ready they come in is persisted (acks, votes, ...). */
  msgs: Message[] = [];
  /** A leader's replication traffic (Append, Heartbeat, Snapshot): it promises nothing about the
   *  leader's own disk, so it may leave while the leader persists (thesis §10.2.1). */
  leaderMsgs: Message[] = [];
  readStates: ReadState[] = [];
  readFailures: ReadFailure[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout: number;
  /** Monotonic tick counter: the leader's clock for leases. */
  ticks = 0;
  leadTransferee: NodeId | null = null;
  /** Index of the newest membership change proposed by this leader; the next waits until it is applied. */
  pendingConfIndex = 0;
  readonly reads = new ReadOnlyQueue();
  /** ReadIndex requests that arrived before this leader committed an entry of its term. */
  readsBeforeCommit: { context: string; from: NodeId }[] = [];
  switches: Switches;
  /** The state as it was restored from disk: RawNode reports hard state only when it differs. */
  readonly initialHardState: HardState;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly maxInflight: number;
  readonly maxEntriesPerMessage: number;
  readonly snapshotThreshold: number;
  readonly snapshotTrailing: number;
  private readonly random: () => number;
  private readonly replication: Replication;

  constructor(cfg: RaftConfig, restored?: RestoredState) {
    this.id = cfg.id;
    this.electionTicks = Math.max(1, Math.floor(cfg.electionTicks));
    this.heartbeatTicks = Math.max(1, Math.floor(cfg.heartbeatTicks));
    this.random = cfg.random;
    this.maxInflight = Math.max(1, cfg.maxInflight ?? 64);
    this.maxEntriesPerMessage = Math.max(1, cfg.maxEntriesPerMessage ?? DEFAULT_MAX_ENTRIES_PER_MESSAGE);
    this.snapshotThreshold = cfg.snapshotThreshold ?? 1000;
    this.snapshotTrailing = Math.max(0, cfg.snapshotTrailing ?? 50);
    this.switches = {
      preVote: cfg.preVote ?? true,
      checkQuorum: cfg.checkQuorum ?? true,
      forwardProposals: cfg.forwardProposals ?? false,
      bugs: { ...noBugs(), ...(cfg.bugs ?? {}) },
    };
    this.randomizedElectionTimeout = this.newElectionTimeout();
    this.replication = new Replication(this);
    this.initialHardState = restored?.hardState ?? { term: 0, vote: null, commit: 0 };
    this.restore(restored, cfg.initialConfig);
  }

  private restore(restored: RestoredState | undefined, initialConfig: MembershipConfig | undefined): void {
    const snapshot = restored?.snapshot;
    if (snapshot !== undefined) {
      this.log.restore(snapshot, 'local');
      this.log.pendingSnapshot = null; // it came from the disk: already durable
      this.config = snapshot.metadata.config;
      this.configIndex = snapshot.metadata.index;
      this.configHistory = [{ index: snapshot.metadata.index, config: snapshot.metadata.config }];
      this.applied = snapshot.metadata.index;
    }
    this.log.append(contiguousAfter(restored?.entries ?? [], this.log.lastIndex()));
    this.log.unstableFrom = this.log.lastIndex() + 1;
    const hs = restored?.hardState;
    if (hs !== undefined) {
      this.term = hs.term;
      // The forgetVoteOnRestart bug: the durable vote is ignored, so this node may vote again this term.
      this.vote = this.switches.bugs.forgetVoteOnRestart ? null : hs.vote;
      this.log.commitTo(hs.commit);
    }
    if (this.log.lastIndex() === 0 && initialConfig !== undefined && initialConfig.voters.length > 0) {
      this.bootstrap(initialConfig);
      return;
    }
    // Re-adopt committed membership changes: the config they produced is not stored anywhere else.
    for (const e of this.log.slice(this.configIndex + 1, this.log.commit + 1)) {
      if (e.type === 'config') this.applyConfigEntry(e);
    }
  }

  /** A fresh cluster's first entry (see bootstrapEntry), committed at once: it is in every initial log. */
  private bootstrap(initial: MembershipConfig): void {
    const entry = bootstrapEntry(initial);
    this.log.append([entry]);
    this.log.unstableFrom = 1;
    this.term = Math.max(this.term, 1);
    this.log.commitTo(1);
    this.applyConfigEntry(entry);
  }

  newElectionTimeout(): number {
    return this.electionTicks + Math.floor(this.random() * this.electionTicks);
  }

  send(m: Unsent<Message>): void {
    const message = { ...m, from: this.id, term: m.term ?? this.term } as Message;
    if (this.role === 'leader' && (message.type === 'Append' || message.type === 'Heartbeat' || message.type === 'Snapshot')) {
      this.leaderMsgs.push(message);
    } else {
      this.msgs.push(message);
    }
  }

  /** The last index the host has made durable (entries below unstableFrom). */
  stableIndex(): number {
    return Math.min(this.log.lastIndex(), this.log.unstableFrom - 1);
  }

  /**
   * The host persisted entries up to stableIndex(). Only now does a leader count itself toward
   * the commit quorum: its Appends may have left before its own write (thesis §10.2.1), so
   * counting its in-memory log would let leader + 1 follower of 3 "commit" an entry that a crash
   * of the leader before its fdatasync leaves on a single disk.
   */
  selfPersisted(): void {
    if (this.role !== 'leader') return;
    const self = this.progress.get(this.id);
    if (self === undefined || !self.maybeUpdate(this.stableIndex())) return;
    if (this.replication.maybeCommit()) this.replication.bcastAppend(); // followers learn the commit promptly
  }

  setSwitches(change: SwitchChange): void {
    this.switches = applySwitchChange(this.switches, change);
  }

  promotable(): boolean {
    return isVoter(this.config, this.id);
  }

  // ---- roles ---------------------------------------------------------------------------------

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.lead = null;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.newElectionTimeout();
    this.leadTransferee = null;
    this.votes.clear();
  }

  becomeFollower(term: number, lead: NodeId | null): void {
    if (this.role === 'leader') this.failPendingReads();
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  private becomePreCandidate(): void {
    // Pre-vote changes neither term nor vote: a node that cannot win disturbs nobody (thesis 9.6).
    this.votes.clear();
    this.lead = null;
    this.electionElapsed = 0;
    this.randomizedElectionTimeout = this.newElectionTimeout();
    this.role = 'pre-candidate';
  }

  private becomeCandidate(): void {
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    this.progress = new Map();
    for (const id of allMembers(this.config)) this.replication.track(id);
    const self = this.progress.get(this.id);
    if (self !== undefined) {
      // What this node has on disk, not in memory: see selfPersisted().
      self.match = this.stableIndex();
      self.recentActive = true;
    }
    // Section 5.4.2 / 8: a no-op of the new term lets earlier entries commit and lets reads start.
    // Until it is applied no membership change is accepted (thesis 4.1's "commit in own term" fix).
    const noop = this.appendEntry('noop', '');
    this.pendingConfIndex = noop.index;
    this.replication.bcastAppend();
  }

  // ---- ticks ---------------------------------------------------------------------------------

  tick(): void {
    this.ticks++;
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTicks) {
      this.electionElapsed = 0;
      if (this.switches.checkQuorum && !this.replication.quorumActive()) {
        this.becomeFollower(this.term, null); // check-quorum: no quorum heard for an election timeout
        return;
      }
      this.leadTransferee = null; // a transfer that did not finish within an election timeout is aborted
    }
    this.replication.tickSnapshots();
    if (this.heartbeatElapsed >= this.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.replication.bcastHeartbeat(this.reads.lastContext());
    }
  }

  // ---- elections -----------------------------------------------------------------------------

  /** Start an election now (a timeout, the UI's button, or TimeoutNow with transfer = true). */
  hup(transfer: boolean): void {
    if (this.role === 'leader' || !this.promotable()) return;
    // A committed but unapplied config change may remove us; wait until we know the real config.
    for (const e of this.log.slice(Math.max(this.applied, this.configIndex) + 1, this.log.commit + 1)) if (e.type === 'config') return;
    if (this.switches.preVote && !transfer) this.campaign('pre', false);
    else this.campaign('real', transfer);
  }

  private campaign(kind: 'pre' | 'real', transfer: boolean): void {
    if (kind === 'pre') this.becomePreCandidate();
    else this.becomeCandidate();
    const voteTerm = kind === 'pre' ? this.term + 1 : this.term;
    if (this.poll(this.id, true) === 'won') {
      if (kind === 'pre') this.campaign('real', transfer);
      else this.becomeLeader();
      return;
    }
    for (const to of allVoters(this.config)) {
      if (to === this.id) continue;
      const request = { to, term: voteTerm, lastLogIndex: this.log.lastIndex(), lastLogTerm: this.log.lastTerm(), transfer };
      this.send(kind === 'pre' ? { type: 'PreVote', ...request } : { type: 'Vote', ...request });
    }
  }

  private poll(from: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    return voteResult(this.config, this.votes);
  }

  // ---- step ----------------------------------------------------------------------------------

  step(m: Message): void {
    if (m.to !== this.id || m.from === this.id) return;
    if (isTermless(m)) {
      this.stepTermless(m);
      return;
    }
    if (m.term > this.term) {
      if (m.type === 'Vote' || m.type === 'PreVote') {
        // Lease on votes (etcd's inLease): while we hear from a live leader, a higher-term vote request
        // comes from a node that merely lost touch; ignore it, unless the leader itself asked (transfer).
        const inLease = this.switches.checkQuorum && this.lead !== null && this.electionElapsed < this.electionTicks;
        if (inLease && !m.transfer) return;
      }
      if (m.type === 'PreVote' || (m.type === 'PreVoteResponse' && !m.reject)) {
        // Pre-votes never change terms; a granted pre-vote carries the term we would campaign in.
      } else if (m.type === 'Append' || m.type === 'Heartbeat' || m.type === 'Snapshot') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, null);
      }
    } else if (m.term < this.term) {
      if ((this.switches.checkQuorum || this.switches.preVote) && (m.type === 'Append' || m.type === 'Heartbeat')) {
        // Tell a stale leader about the newer term. Without this, a node whose term rose while it was cut
        // off (its pre-votes keep failing) would never hear from the leader again.
        this.send({ type: 'AppendResponse', to: m.from, reject: true, index: 0, conflictIndex: 0, conflictTerm: 0 });
      } else if (m.type === 'PreVote') {
        this.send({ type: 'PreVoteResponse', to: m.from, reject: true });
      }
      return; // Figure 2: messages from older terms are ignored
    }

    switch (m.type) {
      case 'Vote':
      case 'PreVote':
        this.handleVoteRequest(m);
        return;
      case 'Append':
      case 'Heartbeat':
      case 'Snapshot':
        if (this.role === 'leader') return; // same term, another leader: impossible unless a bug elected two
        if (this.role !== 'follower') this.becomeFollower(this.term, m.from);
        this.electionElapsed = 0;
        this.lead = m.from;
        if (m.type === 'Append') this.handleAppend(m);
        else if (m.type === 'Heartbeat') this.handleHeartbeat(m);
        else this.handleSnapshot(m);
        return;
      case 'VoteResponse':
      case 'PreVoteResponse':
        if ((m.type === 'VoteResponse') !== (this.role === 'candidate')) return;
        if (this.role !== 'candidate' && this.role !== 'pre-candidate') return;
        this.handleVoteResponse(m.from, !m.reject);
        return;
      case 'AppendResponse':
        if (this.role === 'leader') this.replication.handleAppendResponse(m);
        return;
      case 'HeartbeatResponse':
        if (this.role === 'leader') this.replication.handleHeartbeatResponse(m);
        return;
      case 'TimeoutNow':
        if (this.role === 'follower') this.hup(true);
        return;
      default:
        return;
    }
  }

  private handleVoteResponse(from: NodeId, granted: boolean): void {
    const result = this.poll(from, granted);
    if (result === 'won') {
      if (this.role === 'pre-candidate') this.campaign('real', false);
      else this.becomeLeader();
    } else if (result === 'lost') {
      this.becomeFollower(this.term, null);
    }
  }

  private handleVoteRequest(m: VoteMessage | PreVoteMessage): void {
    const responseType = m.type === 'Vote' ? 'VoteResponse' : 'PreVoteResponse';
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.lead === null) ||
      (m.type === 'PreVote' && m.term > this.term);
    const upToDate = this.switches.bugs.grantVoteWithoutLogCheck || this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    if (canVote && upToDate) {
      // A granted pre-vote answers in the proposed term so the pre-candidate does not drop it as stale.
      this.send({ type: responseType, to: m.from, term: m.term, reject: false });
      if (m.type === 'Vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: responseType, to: m.from, reject: true });
    }
  }

  private handleAppend(m: AppendMessage): void {
    const commit = this.log.commit;
    if (m.prevIndex < commit) {
      // Everything up to our commit is known to match; say so and let the leader continue from there.
      this.send({ type: 'AppendResponse', to: m.from, reject: false, index: commit, conflictIndex: 0, conflictTerm: 0 });
      return;
    }
    const lastNew = this.log.maybeAppend(m.prevIndex, m.prevTerm, m.entries);
    if (lastNew !== null) {
      this.log.commitTo(Math.min(m.commit, lastNew));
      this.send({ type: 'AppendResponse', to: m.from, reject: false, index: lastNew, conflictIndex: 0, conflictTerm: 0 });
      return;
    }
    // Consistency check failed. Fast backtracking: point the leader at the last index whose term is <=
    // its prevTerm, so one round trip skips every entry of a term the leader does not have.
    const hint = this.log.findConflictByTerm(Math.min(m.prevIndex, this.log.lastIndex()), m.prevTerm);
    this.send({ type: 'AppendResponse', to: m.from, reject: true, index: m.prevIndex, conflictIndex: hint.index, conflictTerm: hint.term });
  }

  private handleHeartbeat(m: HeartbeatMessage): void {
    this.log.commitTo(m.commit);
    this.send({ type: 'HeartbeatResponse', to: m.from, context: m.context, sentTick: m.sentTick, lastIndex: this.log.lastIndex() });
  }

  private handleSnapshot(m: SnapshotMessage): void {
    const meta = m.snapshot.metadata;
    if (meta.index <= this.log.commit || this.log.matchTerm(meta.index, meta.term)) {
      // Nothing to install: we already hold the snapshot's last entry.
      this.log.commitTo(meta.index);
      this.send({ type: 'AppendResponse', to: m.from, reject: false, index: this.log.commit, conflictIndex: 0, conflictTerm: 0 });
      return;
    }
    this.log.restore(m.snapshot, 'leader');
    this.config = meta.config;
    this.configIndex = meta.index;
    this.configHistory = [{ index: meta.index, config: meta.config }];
    this.send({ type: 'AppendResponse', to: m.from, reject: false, index: meta.index, conflictIndex: 0, conflictTerm: 0 });
  }

  private stepTermless(m: Message): void {
    switch (m.type) {
      case 'Propose':
        if (this.role === 'leader' && this.leadTransferee === null && m.data.length > 0) {
          for (const data of m.data) this.appendEntry('normal', data);
          this.replication.bcastAppend();
        }
        return; // dropped otherwise: the follower that forwarded it sees it never applied, and retries
      case 'ReadIndex':
        if (this.role === 'leader') this.leaderReadIndex(m.context, m.from);
        else this.send({ type: 'ReadIndexResponse', to: m.from, term: 0, context: m.context, index: 0, ok: false });
        return;
      case 'ReadIndexResponse':
        if (m.ok) this.readStates.push({ context: m.context, index: m.index });
        else this.readFailures.push({ context: m.context, reason: 'not-leader' });
        return;
      case 'TransferLeader':
        if (this.role === 'leader') this.transferLeadership(m.target);
        return;
      default:
        return;
    }
  }

  // ---- proposals -----------------------------------------------------------------------------

  appendEntry(type: EntryType, data: string): Entry {
    const entry: Entry = { index: this.log.lastIndex() + 1, term: this.term, type, data };
    this.log.append([entry]);
    // The leader's own match moves when the host has persisted the entry (selfPersisted), not here.
    return entry;
  }

  propose(data: string): ProposeOutcome {
    if (this.role !== 'leader') {
      if (this.switches.forwardProposals && this.lead !== null) {
        this.send({ type: 'Propose', to: this.lead, term: 0, data: [data] });
        return { ok: false, reason: 'forwarded', leaderHint: this.lead };
      }
      return { ok: false, reason: 'not-leader', leaderHint: this.lead };
    }
    if (this.leadTransferee !== null) return { ok: false, reason: 'transferring', leaderHint: this.leadTransferee };
    const entry = this.appendEntry('normal', data);
    this.replication.bcastAppend();
    return { ok: true, index: entry.index, term: entry.term };
  }

  proposeConfChange(change: ConfChange): ProposeOutcome {
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leaderHint: this.lead };
    if (this.leadTransferee !== null) return { ok: false, reason: 'transferring', leaderHint: this.leadTransferee };
    if (this.log.term(this.log.commit) !== this.term) return { ok: false, reason: 'no-commit-in-term', leaderHint: this.id };
    if (this.pendingConfIndex > this.applied) return { ok: false, reason: 'conf-change-pending', leaderHint: this.id };
    const result = applyConfChange(this.config, change);
    if (!result.ok) return { ok: false, reason: 'invalid-conf-change', leaderHint: this.id, detail: result.error };
    const entry = this.appendEntry('config', encodeConfChange(change));
    this.pendingConfIndex = entry.index;
    this.replication.bcastAppend();
    return { ok: true, index: entry.index, term: entry.term };
  }

  // ---- membership ----------------------------------------------------------------------------

  /** Adopts a committed config entry once the host applied it (see config.ts for why on apply). */
  applyConfigEntry(entry: Entry): void {
    if (entry.index <= this.configIndex) return; // replayed after a restart, already adopted
    const change = decodeConfChange(entry.data);
    const result = change === null ? null : applyConfChange(this.config, change);
    this.configIndex = entry.index;
    if (result === null || !result.ok) return; // a malformed entry changes nothing, but never throws
    this.config = result.config;
    this.configHistory.push({ index: entry.index, config: result.config });
    if (this.role !== 'leader') return;
    this.replication.syncProgress();
    if (!isVoter(this.config, this.id)) {
      // A leader removed from the configuration spreads the commit, then steps down (thesis 4.2.2).
      this.replication.bcastAppend();
      this.becomeFollower(this.term, null);
      return;
    }
    if (this.leadTransferee !== null && !isVoter(this.config, this.leadTransferee)) this.leadTransferee = null;
    this.replication.maybeCommit();
    this.replication.bcastAppend();
  }

  /** Called after the host applied a batch: a leader in a joint config proposes leaving it. */
  afterApply(): void {
    if (this.role === 'leader' && isJoint(this.config) && this.pendingConfIndex <= this.applied) {
      const entry = this.appendEntry('config', encodeConfChange({ changes: [] }));
      this.pendingConfIndex = entry.index;
      this.replication.bcastAppend();
    }
  }

  configAt(index: number): MembershipConfig {
    let config = this.configHistory[0]?.config ?? EMPTY_CONFIG;
    for (const h of this.configHistory) if (h.index <= index) config = h.config;
    return config;
  }

  // ---- leadership transfer, reads, compaction ---------------------------------------------------

  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader') {
      if (this.lead !== null) this.send({ type: 'TransferLeader', to: this.lead, term: 0, target: to });
      return;
    }
    if (to === this.id || !isVoter(this.config, to) || this.leadTransferee === to) return;
    const pr = this.progress.get(to);
    if (pr === undefined) return;
    this.leadTransferee = to;
    this.electionElapsed = 0; // the transfer is aborted if it has not finished after an election timeout
    if (pr.match === this.log.lastIndex()) this.send({ type: 'TimeoutNow', to });
    else this.replication.maybeSendAppend(to, true);
  }

  readIndex(context: string): void {
    if (this.role === 'leader') this.leaderReadIndex(context, this.id);
    else if (this.lead !== null) this.send({ type: 'ReadIndex', to: this.lead, term: 0, context });
    else this.readFailures.push({ context, reason: 'no-leader' });
  }

  leaderReadIndex(context: string, from: NodeId): void {
    if (this.log.term(this.log.commit) !== this.term) {
      // Thesis 6.4 step 1: until its no-op commits, a new leader does not know the commit index.
      this.readsBeforeCommit.push({ context, from });
      return;
    }
    if (hasQuorum(this.config, (id) => id === this.id)) {
      this.answerRead(context, this.log.commit, from);
      return;
    }
    this.reads.add({ context, index: this.log.commit, from, acks: new Set([this.id]) });
    this.replication.bcastHeartbeat(context);
  }

  answerRead(context: string, index: number, from: NodeId): void {
    if (from === this.id) this.readStates.push({ context, index });
    else this.send({ type: 'ReadIndexResponse', to: from, term: 0, context, index, ok: true });
  }

  private failPendingReads(): void {
    const pending = [...this.reads.takeAll(), ...this.readsBeforeCommit];
    this.readsBeforeCommit = [];
    for (const r of pending) {
      if (r.from === this.id) this.readFailures.push({ context: r.context, reason: 'leadership-lost' });
      else this.send({ type: 'ReadIndexResponse', to: r.from, term: 0, context: r.context, index: 0, ok: false });
    }
  }

  /** Ticks a lease read stays safe (see lease.ts); 0 when not safe. */
  leaseRemaining(): number {
    if (this.role !== 'leader') return 0; // most calls: a follower's status, every host turn
    return leaseRemainingTicks({
      id: this.id, isLeader: this.role === 'leader', checkQuorum: this.switches.checkQuorum, transferring: this.leadTransferee !== null,
      committedInTerm: this.log.term(this.log.commit) === this.term, ticks: this.ticks, electionTicks: this.electionTicks,
      config: this.config, leaseTickOf: (id) => this.progress.get(id)?.leaseTick ?? Number.NEGATIVE_INFINITY,
    });
  }

  /** The host snapshotted its state machine at `index` (<= applied). */
  compact(index: number, data: string): void {
    const snapshotIndex = this.log.snapshot?.metadata.index ?? 0;
    const term = this.log.term(index);
    if (index <= snapshotIndex || index > this.applied || term === undefined) return;
    const config = this.configAt(index);
    this.log.setSnapshot({ metadata: { index, term, config }, data }, 'local');
    this.log.compactTo(index + 1 - this.snapshotTrailing);
    this.configHistory = [{ index, config }, ...this.configHistory.filter((h) => h.index > index)];
  }
}
