// One Raft node with its disk and its state machine: the host loop of shared/raft/types.ts (persist,
// send, apply, advance), ONE copy for both worlds. The lab runs it in the node's worker thread with
// the real write-ahead log; the simulator runs it in process with a disk in memory. What differs is
// handed in: the disk (disk.ts), the clock that paces disk reports, how background work is
// scheduled, and (in the lab) the direct lanes. Synchronous throughout: a host feeds it inputs and
// calls flush() once per turn, so everything that arrived together becomes one Ready and one sync.
import { DEFAULT_MAX_ENTRIES_PER_MESSAGE, RawNode, coalesceMessages, mulberry32, type Message, type RaftReady, type Role, type Snapshot, type Status as RaftStatus } from '../raft/index.ts';
import { KvStore } from '../kv/store.ts';
import type { Observation } from '../check/observations.ts';
import type { DiskView, EntryView, NodeStatus } from '../protocol/views.ts';
// Direct imports, not the host index: it pulls in the protocol's zod schemas, which every worker
// would build at start (measured: 12 → 30 MB RSS per worker).
import { showValue, toEntryView } from '../host/entry-view.ts';
import { applyCommitted, storeImage, type PendingProposal } from '../host/apply-committed.ts';
import { serveReads, takeReadStates } from '../host/waiting-reads.ts';
import { statusWorthReporting, toNodeStatus } from '../host/node-status.ts';
import { observedEntry } from './observe.ts';
import { BackgroundCompaction, type CompactionHooks } from './background-compaction.ts';
import { DiskCrash, DiskFailure, isDiskFull, type NodeDisk, type SnapshotEncoder, type SyncDone } from './disk.ts';
import type { NodeAnswer, NodeAnswers } from './answers.ts';
import type { AppliedValue, ClientOutcome, ClientRequest, NodeInit, NodeReport, NodeRequest, ReadQuery, ReadyReport } from './protocol.ts';
import { ForwardDesk, type Answer } from './forward-desk.ts';
import { isForwarding, type ForwardableRequest } from './forwarding.ts';

/** What a host hands the runtime: its disk and the few things that differ between worlds. */
export interface NodePorts {
  readonly disk: NodeDisk;
  /** Encodes a background compaction's snapshot a slice at a time (disk.ts). */
  readonly encoder: SnapshotEncoder;
  readonly report: (report: NodeReport) => void;
  /** The host's milliseconds (real in a worker, virtual in the simulator): paces disk reports. */
  readonly now: () => number;
  /** How the host runs background work (compaction) and the host loop again. */
  readonly hooks: CompactionHooks;
  /** Splits messages into what goes on direct lanes (sent by `post`) and the bus's share (the lab's worker-lanes.ts). */
  readonly lanes?: (messages: Message[]) => { viaBus: Message[]; post: () => void };
}

interface WaitingRead {
  readonly requestId: number;
  readonly key: string;
  readonly query: ReadQuery;
  /** Serve once the state machine has applied this index (set when the ReadIndex answer comes). */
  index: number | null;
}

const nothingToPost = (): void => {};
/** No direct lanes (the simulator): every message goes to the bus. Made once: this runs every turn. */
const everythingViaBus = (messages: Message[]): { viaBus: Message[]; post: () => void } => ({ viaBus: messages, post: nothingToPost });

/** How many of a Ready's messages may leave before its persist (the bug switch: all of them). */
function earlyCount(ready: RaftReady): number {
  return ready.sendBeforePersist ? ready.messages.length : ready.messagesBeforePersist;
}

/** Disk stats go to the page at most this often (the host's ms): they change with every batch. */
const DISK_REPORT_MS = 250;

type Outcomes = { requestId: number; outcome: ClientOutcome }[];

/** What one turn of the host loop gathered, for its one report. */
interface Turn {
  readonly appended: EntryView[];
  readonly applied: AppliedValue[];
  readonly messages: Message[];
  readonly observations: Observation[];
  readonly snapshots: ReadyReport['snapshots'][number][];
  readonly outcomes: Outcomes;
  readonly persisted: { batches: number; entries: number; fsyncMs: number };
  truncatedFrom?: number;
}

export class NodeRuntime {
  private readonly raft: RawNode;
  private readonly disk: NodeDisk;
  private kv: KvStore;
  private lastStoredIndex: number;
  /** Proposals (commands and membership changes) waiting for their entry to apply, by log index. */
  private readonly pending = new Map<number, PendingProposal>();
  /** Linearizable reads: by ReadIndex context until answered, then waiting for apply. */
  private readonly reads = new Map<string, WaitingRead>();
  private lastStatus: NodeStatus | undefined;
  /** Role and term as the Readies told them: observed before each Ready's writes. */
  private role: Role = 'follower';
  private term: number;
  private lastDiskReportAt: number;
  private fsyncs = 0;
  /** The disk changed since the last disk report (a commit-only write too, though not synced). */
  private diskDirty = false;
  /** The state machine was replaced since the last report (the page must redraw it whole). */
  private kvReset: 'snapshot' | 'restore' | 'recovery' | undefined;
  /** Outcomes decided outside a Ready (refusals, local reads), sent with the next report. */
  private readonly earlyOutcomes: Outcomes = [];
  /**
   * A Ready the disk had no space for (ENOSPC): its early messages are out, the rest waits. The
   * core goes on stepping meanwhile (as etcd's raft does while its host is busy with a Ready), but
   * no further Ready is taken until this one is durable, so nothing is promised that is not.
   */
  private stalled: RaftReady | null = null;
  /**
   * The stalled Ready whose fdatasync runs off the thread (a worker's disk): held the same way,
   * its early messages out, its committed entries applied (see persist) and the rest waiting,
   * until the disk says it is durable (`fsyncMs` set). Meanwhile the node steps what arrives.
   */
  private syncing: { readonly ready: RaftReady; fsyncMs: number | null } | null = null;
  private readonly hooks: CompactionHooks;

  /** Messages taken from direct lanes since the last report (the bus records them). */
  private received: Message[] = [];
  /** Messages for the bus that did not come from this node's own Readies (turned away by a lane). */
  private readonly forBus: Message[] = [];
  private readonly compaction: BackgroundCompaction;
  private readonly report: (report: NodeReport) => void;
  private readonly lanes: (messages: Message[]) => { viaBus: Message[]; post: () => void };
  private readonly now: () => number;
  /** Requests answered inside the node: its own API port's, and those forwarded to or by it. */
  private readonly desk: ForwardDesk;

  constructor(
    private readonly init: NodeInit,
    ports: NodePorts,
  ) {
    this.disk = ports.disk;
    this.report = ports.report;
    this.now = ports.now;
    this.lanes = ports.lanes ?? everythingViaBus;
    this.hooks = ports.hooks;
    this.compaction = new BackgroundCompaction(ports.hooks, ports.encoder);
    this.desk = new ForwardDesk(init.id, (request) => this.client(request));
    const { restored, tornTail } = this.disk.open();
    this.kv = restored.snapshot ? KvStore.restore(restored.snapshot.data) : new KvStore();
    this.lastStoredIndex = restored.entries.at(-1)?.index ?? restored.snapshot?.metadata.index ?? 0;
    this.term = restored.hardState.term;
    this.lastDiskReportAt = this.now();
    if (restored.snapshot) this.kvReset = 'recovery';
    this.raft = new RawNode(
      {
        id: init.id,
        ...(init.initialConfig ? { initialConfig: init.initialConfig } : {}),
        electionTicks: init.timing.electionTicks,
        heartbeatTicks: init.timing.heartbeatTicks,
        random: mulberry32(init.seed),
        snapshotThreshold: init.snapshotThreshold,
        snapshotTrailing: init.snapshotTrailing,
        ...(init.maxEntriesPerMessage !== undefined ? { maxEntriesPerMessage: init.maxEntriesPerMessage } : {}),
        ...(init.maxInflight !== undefined ? { maxInflight: init.maxInflight } : {}),
        ...init.switches,
      },
      restored,
    );
    const status = this.status();
    this.lastStatus = status;
    this.report({
      type: 'recovered',
      log: restored.entries.slice(-200).map(toEntryView),
      term: restored.hardState.term,
      vote: restored.hardState.vote,
      snapshotIndex: restored.snapshot?.metadata.index ?? 0,
      tornTail,
      status,
      disk: this.diskView(),
      observation: {
        kind: 'restart',
        node: init.id,
        hardState: restored.hardState,
        ...(restored.snapshot ? { snapshot: { index: restored.snapshot.metadata.index, term: restored.snapshot.metadata.term } } : {}),
        log: restored.entries.map(observedEntry),
      },
    });
    const empty = restored.entries.length === 0 && !restored.snapshot && restored.hardState.term === 0;
    const soleVoter = init.initialConfig?.voters.length === 1 && init.initialConfig.voters[0] === init.id && init.initialConfig.learners.length === 0;
    if (init.campaignAtBootstrap && empty && soleVoter) this.raft.campaign();
    // A restored node may already have work (e.g. committed entries to re-apply).
    this.drain();
  }

  // Inputs only step the core; the worker calls flush() once per event-loop turn, so everything
  // that arrived together (ticks, deliveries, proposals) becomes one Ready and one fdatasync:
  // group commit across messages, not just across the entries of one message.

  tick(ticks: number): void {
    for (let i = 0; i < ticks; i++) this.raft.tick();
  }

  /** Ticks until one can change anything (the worker sleeps until then: worker-ticker.ts). */
  ticksUntilDue(): number {
    return this.raft.ticksUntilDue();
  }

  deliver(message: Message): void {
    // A forwarded client request (forwarding.ts) is this node's to answer, not the core's to step.
    if (isForwarding(message)) this.desk.receive(message);
    else this.raft.step(message);
  }

  /** Messages a peer handed over on an open lane: stepped now, and reported for the bus to record. */
  deliverFromLane(messages: readonly Message[]): void {
    for (const message of messages) {
      this.deliver(message);
      this.received.push(message);
    }
  }

  /** A request of the node's own client (its API port): answered with the next flush that decides
   *  it; returns how to stop waiting. */
  ask(request: NodeRequest, answer: Answer): () => void {
    return this.desk.ask(request, answer);
  }

  /** A client request for another node (its leader), sent as a Forward message with the next flush;
   *  returns how to stop waiting for the answer. */
  forward(to: string, request: ForwardableRequest, answer: Answer): () => void {
    return this.desk.forward(to, request, answer);
  }

  /** How far the state machine has applied (read your writes on the node's own port). */
  get appliedIndex(): number {
    return this.kv.appliedIndex;
  }

  /** Messages that arrived on a lane this end had closed: the bus routes them as the network is now. */
  toBus(messages: readonly Message[]): void {
    this.forBus.push(...messages);
  }

  /** Runs the host loop over everything stepped since the last flush and reports once. */
  flush(): void {
    this.drain();
  }

  /** One slice of background work (encoding a snapshot); true while more remains. */
  backgroundWork(): boolean {
    return this.compaction.work();
  }

  client(request: ClientRequest): void {
    const refuse = (outcome: ClientOutcome): void => void this.earlyOutcomes.push({ requestId: request.requestId, outcome });
    const done = (value: NodeAnswer): void => refuse({ ok: true, value });
    switch (request.kind) {
      case 'propose':
      case 'conf-change': {
        if (this.disk.fault.kind === 'full') return refuse(this.diskFullRefusal());
        const outcome = request.kind === 'propose' ? this.raft.propose(request.command) : this.raft.proposeConfChange(request.change);
        if (outcome.ok) this.pending.set(outcome.index, { requestId: request.requestId, term: outcome.term });
        else if (outcome.reason === 'not-leader' || outcome.reason === 'transferring' || outcome.reason === 'forwarded') {
          refuse({ ok: false, code: 'not-leader', leader: outcome.leaderHint, error: `${this.init.id} is not the leader (${outcome.reason})` });
        } else {
          refuse({ ok: false, code: outcome.reason === 'invalid-conf-change' ? 'bad-request' : 'conflict', error: outcome.detail ?? outcome.reason });
        }
        break;
      }
      case 'read':
        this.read(request.requestId, request.key, request.consistency, request.query ?? { what: 'value' }, refuse);
        break;
      case 'transfer':
        this.raft.transferLeadership(request.to);
        done({});
        break;
      case 'campaign':
        this.raft.campaign();
        done({});
        break;
      case 'snapshot-now': {
        if (this.disk.fault.kind === 'full') return refuse(this.diskFullRefusal());
        const before = this.raft.status().snapshotIndex;
        this.raft.compact(this.kv.appliedIndex, this.kv.snapshot());
        const after = this.raft.status().snapshotIndex;
        done({ index: after, compacted: after > before });
        break;
      }
      case 'switches':
        this.raft.setSwitches(request.change);
        done({ switches: this.raft.status().switches });
        break;
      case 'disk':
        done({ disk: this.disk.details() });
        break;
      case 'disk-fault':
        // Freeing space lets a stalled Ready through on this turn's flush.
        this.disk.setFault(request.fault);
        this.diskDirty = true;
        done({ fault: this.disk.fault });
        break;
      case 'snapshot-data': {
        const status = this.raft.status();
        done({ index: this.kv.appliedIndex, term: status.term, keys: this.kv.size, data: this.kv.snapshot() });
        break;
      }
    }
  }

  private diskFullRefusal(): ClientOutcome {
    return { ok: false, code: 'unavailable', error: `${this.init.id}'s disk is full (ENOSPC): it takes no writes until space is freed` };
  }

  private read(requestId: number, key: string, consistency: 'stale' | 'lease' | 'linearizable', query: ReadQuery, refuse: (outcome: ClientOutcome) => void): void {
    if (consistency === 'stale') return refuse({ ok: true, value: this.answerRead(key, query) });
    const status = this.raft.status();
    if (consistency === 'lease') {
      if (!status.leaseReadSafe) return refuse({ ok: false, code: 'not-leader', leader: status.leader === this.init.id ? null : status.leader, error: `${this.init.id} holds no leader lease` });
      // The lease makes the commit index current, not the state machine: a message stepped in this
      // turn may have moved the commit past what is applied (an entry another leader already
      // answered for), so the read waits until the state machine has caught up with it.
      if (this.kv.appliedIndex >= status.commit) return refuse({ ok: true, value: this.answerRead(key, query) });
      this.reads.set(`${this.init.id}:r${requestId}`, { requestId, key, query, index: status.commit });
      return;
    }
    const context = `${this.init.id}:r${requestId}`;
    this.reads.set(context, { requestId, key, query, index: null });
    this.raft.readIndex(context);
  }

  private answerRead(key: string, query: ReadQuery): NodeAnswers['read'] {
    const appliedIndex = this.kv.appliedIndex;
    if (query.what === 'list') return { key, keys: this.kv.list(key), appliedIndex };
    if (query.what === 'metadata') return { key, metadata: this.kv.metadata(key) ?? null, appliedIndex };
    const entry = this.kv.get(key, query.version);
    const times = entry ? { createdTime: entry.createdTime, updatedTime: entry.updatedTime, deletionTime: entry.deletionTime } : {};
    if (!entry || entry.data === null) return { key, value: null, version: entry?.version ?? 0, deleted: entry?.deleted ?? false, ...times, appliedIndex };
    return { key, value: showValue(entry.data), data: entry.data, version: entry.version, deleted: false, ...times, appliedIndex };
  }

  /** Runs the host loop until the core has nothing more to do, then sends one report. */
  private drain(): void {
    const turn: Turn = { appended: [], applied: [], messages: [], observations: [], snapshots: [], outcomes: this.earlyOutcomes.splice(0), persisted: { batches: 0, entries: 0, fsyncMs: 0 } };
    try {
      this.runReadies(turn);
    } catch (error) {
      // A simulated crash mid-turn, or a disk that failed (EIO): what earlier Readies made durable
      // was observed, and the checker must see it (the node itself says nothing more: its messages
      // and answers die with it).
      if ((error instanceof DiskCrash || error instanceof DiskFailure) && turn.observations.length > 0) this.report({ type: 'ready', appended: [], applied: [], messages: [], outcomes: [], persisted: null, snapshots: [], observations: turn.observations });
      throw error;
    }
    const { appended, applied, messages, observations, snapshots, outcomes, persisted, truncatedFrom } = turn;
    serveReads(this.reads, this.kv.appliedIndex, (read) => this.answerRead(read.key, read.query), outcomes);
    // Answers decided inside the node (its own port's, forwarded ones) go to their askers now; a
    // forwarded request's answer becomes a ForwardResponse that leaves with this turn's messages.
    this.desk.settle(outcomes);
    const kvReset = this.kvReset;
    this.kvReset = undefined;
    // After a replacement, the keys applied one by one above are superseded by the whole image.
    if (kvReset) applied.splice(0, applied.length, ...storeImage(this.kv));

    const forwarding = this.desk.takeOutbox() as unknown as Message[];
    const direct = this.lanes(forwarding.length > 0 ? [...this.coalesce(messages), ...forwarding] : this.coalesce(messages));
    const forBus = [...this.forBus.splice(0), ...direct.viaBus];
    const received = this.received;
    this.received = [];
    const status = this.status();
    const statusChanged = statusWorthReporting(status, this.lastStatus);
    const now = this.now();
    const diskDue = (this.diskDirty || snapshots.length > 0) && now - this.lastDiskReportAt >= DISK_REPORT_MS;
    if (!kvReset && !statusChanged && !diskDue && appended.length === 0 && applied.length === 0 && forBus.length === 0 && received.length === 0 && outcomes.length === 0 && observations.length === 0) {
      direct.post();
      return;
    }
    if (statusChanged) this.lastStatus = status;
    if (diskDue) {
      this.lastDiskReportAt = now;
      this.diskDirty = false;
    }
    const report: ReadyReport = {
      type: 'ready',
      ...(statusChanged ? { status } : {}),
      ...(truncatedFrom !== undefined ? { truncatedFrom } : {}),
      ...(diskDue ? { disk: this.diskView() } : {}),
      ...(kvReset ? { kvReset } : {}),
      appended,
      applied,
      messages: forBus,
      ...(received.length > 0 ? { received } : {}),
      outcomes,
      persisted: persisted.batches > 0 ? persisted : null,
      snapshots,
      observations,
    };
    // The report first: it may carry a client's answer, which is what someone waits for; the lane
    // messages after it (already durable, usually the new commit index) do not hurry anyone.
    this.report(report);
    direct.post();
  }

  /** The host loop proper: every Ready the core has, persisted, sent, applied and advanced. */
  private runReadies(turn: Turn): void {
    const { messages, observations } = turn;
    for (;;) {
      let ready = this.stalled;
      if (ready === null) {
        // Compaction, when the core suggests it, is encoded in the background; once encoded it
        // makes one more Ready (background-compaction.ts). Not while the disk has no space for it.
        if (!this.raft.hasReady() && !this.compaction.poll(this.raft, this.kv, this.disk.fault.kind !== 'full')) break;
        ready = this.raft.ready();
        this.observeRole(ready, observations);
        // Messages allowed to overtake this Ready's fdatasync leave now, in their own report, so the
        // followers write in parallel with the leader (thesis §10.2.1); the bug switch sends all of
        // them early. Without a sync to overlap, they simply ride in the report below.
        const early = earlyCount(ready);
        if (early > 0 && ready.mustSync) {
          // Earlier Readies' messages first: they were already allowed to go, keep their order.
          this.sendEarly([...messages.splice(0), ...ready.messages.slice(0, early)]);
        } else {
          messages.push(...ready.messages.slice(0, early));
        }
        this.persistLocalSnapshot(ready, turn);
      }
      // The disk is full, or the Ready's sync runs off the thread: it waits, whole (a later flush
      // tries it again, or takes it on once the disk says it is durable).
      if (!this.persist(ready, turn)) {
        this.stalled = ready;
        return;
      }
      this.stalled = null;
      this.afterPersist(ready, turn);
    }
  }

  /** Send what waited for the disk, apply, advance. */
  private afterPersist(ready: RaftReady, turn: Turn): void {
    this.compaction.settle();
    const first = ready.entries[0];
    if (first && first.index <= this.lastStoredIndex) {
      // Said in the report of the turn that observes the replacing entries (it goes at once,
      // report-batcher.ts): a durable replacement the checker never heard of would look, after a
      // power cut, like the loss of the entries it replaced.
      turn.truncatedFrom = Math.min(turn.truncatedFrom ?? Infinity, first.index);
      // Entries appended earlier in this burst from there on are replaced too.
      while (turn.appended.length > 0 && turn.appended.at(-1)!.index >= first.index) turn.appended.pop();
    }
    const last = ready.entries.at(-1);
    if (last) this.lastStoredIndex = last.index;
    else if (ready.snapshot && ready.snapshotSource === 'leader') this.lastStoredIndex = ready.snapshot.metadata.index;
    turn.appended.push(...ready.entries.map(toEntryView));
    const early = earlyCount(ready);
    if (early < ready.messages.length) turn.messages.push(...ready.messages.slice(early));
    // A Ready that synced off the thread applied its committed entries when its sync began.
    if (this.syncing?.ready === ready) this.syncing = null;
    else this.applyCommitted(ready, turn);
    this.raft.advance(ready);
  }

  /** One Append per follower for everything this burst appended, one answer per leader (coalesce.ts). */
  private coalesce(messages: Message[]): Message[] {
    return coalesceMessages(messages, Math.max(1, this.init.maxEntriesPerMessage ?? DEFAULT_MAX_ENTRIES_PER_MESSAGE));
  }

  /** Sends messages at once (on lanes, or to the bus), ahead of the report that ends this drain. */
  private sendEarly(messages: Message[]): void {
    const { viaBus, post } = this.lanes(this.coalesce(messages));
    post();
    if (viaBus.length > 0) this.report({ type: 'ready', appended: [], applied: [], messages: viaBus, outcomes: [], persisted: null, snapshots: [], observations: [] });
  }

  /**
   * A Ready's own compaction: its snapshot file is written once (not again if the Ready stalls).
   * No space for it is no harm: the disk keeps its older snapshot and the whole log, a valid state,
   * and the next compaction covers this one's entries too.
   */
  private persistLocalSnapshot(ready: RaftReady, turn: Turn): void {
    const snapshot = ready.snapshot;
    if (!snapshot || ready.snapshotSource !== 'local') return;
    try {
      this.compaction.persistLocal(this.disk, snapshot, () => void (this.diskDirty = true));
      const { index, term } = snapshot.metadata;
      turn.snapshots.push({ index, term, source: 'local' });
      // The checker compacts its copy of this log too: otherwise it keeps every entry and every
      // index the node ever held, and a long run's memory grows with its history.
      turn.observations.push({ kind: 'snapshot', node: this.init.id, index, term });
    } catch (error) {
      if (!isDiskFull(error)) throw error;
    }
  }

  /**
   * Persist first (one fdatasync for the whole Ready), so nothing is promised that is not durable.
   * False while the Ready must wait: the disk is full (ENOSPC: nothing of the batch was kept,
   * nothing is observed), or its sync is still running off the thread (observed once it is done).
   */
  private persist(ready: RaftReady, turn: Turn): boolean {
    const { persisted } = turn;
    const installed = ready.snapshot && ready.snapshotSource === 'leader' ? ready.snapshot : undefined;
    if (this.syncing) {
      if (this.syncing.ready !== ready) throw new Error('a Ready is still syncing: no other may be persisted before it');
      if (this.syncing.fsyncMs === null) return false;
      this.countSync(persisted, this.syncing.fsyncMs);
      this.observePersisted(ready, installed, null, turn);
      return true;
    }
    let crashedAfterWrite: DiskCrash | null = null;
    if (ready.entries.length > 0 || ready.hardState || installed) {
      // A batch that only moves the commit index is written without fdatasync (the disk decides).
      try {
        // An installed snapshot replaces the state machine as it persists: it is synced in place.
        const later = installed ? undefined : (done: SyncDone) => this.synced(ready, done);
        const stats = this.disk.persist({ entries: ready.entries, ...(ready.hardState ? { hardState: ready.hardState } : {}), ...(installed ? { snapshot: installed } : {}) }, later);
        persisted.entries += ready.entries.length;
        this.diskDirty = true;
        if (stats.deferred) {
          this.syncing = { ready, fsyncMs: null };
          // What is committed is on a majority already: it need not wait for this node's own
          // write (etcd's server applies while its WAL saves, too). Applied and answered now.
          this.applyCommitted(ready, turn);
          return false;
        }
        if (stats.synced) this.countSync(persisted, stats.fsyncMs);
      } catch (error) {
        if (isDiskFull(error)) return false;
        // A crash after the batch was written: it is durable, so the checker must still see it
        // (a replaced suffix especially); nothing after it happens.
        if (!(error instanceof DiskCrash) || !error.afterWrite) throw error;
        crashedAfterWrite = error;
      }
    }
    this.observePersisted(ready, installed, crashedAfterWrite, turn);
    return true;
  }

  /** The disk says how a sync that ran off the thread ended: the held Ready goes on, or the node stops. */
  private synced(ready: RaftReady, done: SyncDone): void {
    if ('error' in done) {
      this.hooks.fatal(done.error);
      return;
    }
    if (this.syncing?.ready !== ready) return;
    this.syncing.fsyncMs = done.fsyncMs;
    this.hooks.wake();
  }

  private countSync(persisted: Turn['persisted'], fsyncMs: number): void {
    persisted.batches += 1;
    persisted.fsyncMs += fsyncMs;
    this.fsyncs += 1;
  }

  /** What a durable Ready tells the checker (and, for an installed snapshot, the state machine). */
  private observePersisted(ready: RaftReady, installed: Snapshot | undefined, crashedAfterWrite: DiskCrash | null, turn: Turn): void {
    const { snapshots, observations } = turn;
    const node = this.init.id;
    if (installed) {
      if (!crashedAfterWrite) {
        this.kv = KvStore.restore(installed.data);
        this.kvReset = 'snapshot';
        snapshots.push({ index: installed.metadata.index, term: installed.metadata.term, source: 'leader' });
      }
      observations.push({ kind: 'snapshot', node, index: installed.metadata.index, term: installed.metadata.term });
    }
    // Order matters to the checker: a Ready's commit index refers to the log *after* its entries
    // (which may replace a conflicting suffix), so the entries are observed first.
    if (ready.entries.length > 0) observations.push({ kind: 'append', node, entries: ready.entries.map(observedEntry) });
    if (ready.hardState) {
      const { term, vote, commit } = ready.hardState;
      observations.push({ kind: 'hard-state', node, term, vote, commit });
      observations.push({ kind: 'commit', node, commit });
    }
    if (crashedAfterWrite) throw crashedAfterWrite;
  }

  /** A Ready's committed entries into the state machine, and the reads they let through. */
  private applyCommitted(ready: RaftReady, turn: Turn): void {
    if (applyCommitted(this.init.id, ready.committedEntries, this.kv, this.pending, observedEntry, turn)) this.kvReset = 'restore';
    takeReadStates(ready, this.reads, () => this.raft.status().leader, turn.outcomes);
  }

  /**
   * Role first, before the Ready's writes: a leader that steps down in this Ready and truncates its
   * log below gives way as a follower (the checker's leader-append-only property reads this order).
   */
  private observeRole(ready: RaftReady, observations: Observation[]): void {
    const term = ready.hardState?.term ?? this.term;
    const role = ready.softState?.role ?? this.role;
    if (term === this.term && role === this.role) return;
    this.term = term;
    this.role = role;
    observations.push({ kind: 'role', node: this.init.id, term, role });
  }

  /** The core's own status, for a host that judges the node from outside (the simulator's checks). */
  raftStatus(): RaftStatus {
    return this.raft.status();
  }

  /** The state machine's snapshot text (the simulator compares replicas with it). */
  storeText(): string {
    return this.kv.snapshot();
  }

  private status(): NodeStatus {
    return toNodeStatus(this.raft.status(), this.kv.appliedIndex);
  }

  private diskView(): DiskView {
    return { ...this.disk.describe(), fsyncs: this.fsyncs };
  }
}
