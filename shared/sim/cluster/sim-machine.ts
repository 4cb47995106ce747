// One simulated machine of the scenario cluster: a RawNode, an in-memory disk and the KV state
// machine, driven by the host loop of shared/raft/types.ts, reporting the same events as a real
// node's worker (server/cluster/node-runtime.ts). The disk keeps exactly what Readies persisted,
// so a kill loses what a killed worker loses; a torn tail (tear-tail) is a flag the next start
// reports and cuts, as recovery from a real write-ahead log does.
import type { Observation } from '../../check/index.ts';
import { KvStore } from '../../kv/index.ts';
import { mulberry32, RawNode, type Entry, type HardState, type MembershipConfig, type Message, type RaftReady, type Role, type Snapshot, type Switches } from '../../raft/index.ts';
import type { UnstampedEvent } from '../../protocol/events.ts';
import type { DiskView, EntryView, NodeStatus } from '../../protocol/views.ts';
import { observed } from '../host.ts';
import { showValue, toEntryView } from '../../host/entry-view.ts';
import { applyCommitted, storeImage, type AppliedValue, type PendingProposal } from '../../host/apply-committed.ts';
import { serveReads, takeReadStates } from '../../host/waiting-reads.ts';
import { statusWorthReporting, toNodeStatus } from '../../host/node-status.ts';
import type { NodeOutcome, NodeRequest } from './requests.ts';

export interface MemoryDisk {
  hardState: HardState;
  entries: Entry[];
  snapshot: Snapshot | undefined;
  /** Half a record was left at the end of the log (tear-tail); the next start cuts it. */
  tornTail: boolean;
  /** Records written so far, for the disk panel. */
  records: number;
}

export function emptyDisk(): MemoryDisk {
  return { hardState: { term: 0, vote: null, commit: 0 }, entries: [], snapshot: undefined, tornTail: false, records: 0 };
}

export interface MachineInit {
  readonly seed: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** Only for the cluster's bootstrap node on an empty disk. */
  readonly initialConfig?: MembershipConfig;
  readonly switches: Switches;
  readonly snapshotThreshold: number;
  readonly snapshotTrailing: number;
  readonly maxEntriesPerMessage?: number;
}

/** Where a machine's reports go: the cluster's event stream, checker, bus and requests. */
export interface MachineSink {
  emit(event: UnstampedEvent): void;
  observe(observations: readonly Observation[]): void;
  send(messages: readonly Message[]): void;
  resolve(requestId: number, outcome: NodeOutcome): void;
  /** Virtual ms, for pacing disk reports. */
  now(): number;
}

/** Disk stats go out at most this often (virtual ms), as the real worker paces them in real ms. */
const DISK_REPORT_MS = 250;

type Outcomes = { requestId: number; outcome: NodeOutcome }[];

export class SimMachine {
  disk: MemoryDisk = emptyDisk();
  paused = false;
  private raft: RawNode | null = null;
  private kv = new KvStore();
  private lastStoredIndex = 0;
  private fsyncs = 0;
  private diskDirty = false;
  private lastDiskReportAt = -Infinity;
  private readonly pending = new Map<number, PendingProposal>();
  private readonly reads = new Map<string, { requestId: number; key: string; index: number | null }>();
  private readonly earlyOutcomes: Outcomes = [];
  /** Requests that arrived while paused; handled on resume (a frozen worker reads no messages). */
  private readonly waiting: { requestId: number; request: NodeRequest }[] = [];
  private lastStatus: NodeStatus | undefined;
  private kvReset: 'snapshot' | 'restore' | 'recovery' | undefined;
  /** Role and term as the Readies told them, observed before each Ready's writes. */
  private role: Role = 'follower';
  private term = 0;

  constructor(
    readonly id: string,
    private readonly sink: MachineSink,
  ) {}

  get running(): boolean {
    return this.raft !== null;
  }

  /** Boots from whatever the disk holds and reports what it found (node-recovered). */
  start(init: MachineInit): void {
    const disk = this.disk;
    const torn = disk.tornTail;
    disk.tornTail = false;
    this.kv = disk.snapshot ? KvStore.restore(disk.snapshot.data) : new KvStore();
    this.kvReset = disk.snapshot ? 'recovery' : undefined;
    this.lastStoredIndex = disk.entries.at(-1)?.index ?? disk.snapshot?.metadata.index ?? 0;
    this.fsyncs = 0;
    this.diskDirty = false;
    this.lastDiskReportAt = this.sink.now();
    this.paused = false;
    this.pending.clear();
    this.reads.clear();
    this.earlyOutcomes.length = 0;
    this.waiting.length = 0;
    this.raft = new RawNode(
      {
        id: this.id,
        ...(init.initialConfig ? { initialConfig: init.initialConfig } : {}),
        electionTicks: init.electionTicks,
        heartbeatTicks: init.heartbeatTicks,
        random: mulberry32(init.seed),
        snapshotThreshold: init.snapshotThreshold,
        snapshotTrailing: init.snapshotTrailing,
        ...(init.maxEntriesPerMessage !== undefined ? { maxEntriesPerMessage: init.maxEntriesPerMessage } : {}),
        preVote: init.switches.preVote,
        checkQuorum: init.switches.checkQuorum,
        forwardProposals: init.switches.forwardProposals,
        bugs: init.switches.bugs,
      },
      { hardState: disk.hardState, entries: [...disk.entries], ...(disk.snapshot ? { snapshot: disk.snapshot } : {}) },
    );
    this.role = 'follower';
    this.term = disk.hardState.term;
    const status = this.status();
    this.lastStatus = status;
    this.sink.emit({
      type: 'node-recovered',
      node: this.id,
      log: disk.entries.slice(-200).map(toEntryView),
      term: disk.hardState.term,
      vote: disk.hardState.vote,
      snapshotIndex: disk.snapshot?.metadata.index ?? 0,
      tornTail: torn ? `wal (in memory): cut 11 bytes at the end (a record announced 64 bytes of payload; the power went before they were written)` : null,
    });
    this.sink.emit({ type: 'node-disk', node: this.id, disk: this.diskView() });
    this.sink.emit({ type: 'node-status', node: this.id, status });
    this.sink.observe([
      {
        kind: 'restart',
        node: this.id,
        hardState: disk.hardState,
        ...(disk.snapshot ? { snapshot: { index: disk.snapshot.metadata.index, term: disk.snapshot.metadata.term } } : {}),
        log: disk.entries.map(observed),
      },
    ]);
    this.drain();
  }

  /** Power off: volatile state is gone, the disk keeps what was persisted. */
  kill(): void {
    this.raft = null;
    this.paused = false;
    this.waiting.length = 0;
  }

  tick(): void {
    if (this.raft === null || this.paused) return;
    this.raft.tick();
    this.drain();
  }

  /** Steps delivered messages in; the bus calls flush() once the batch is in. */
  deliver(messages: readonly Message[]): void {
    for (const message of messages) this.raft?.step(message);
  }

  flush(): void {
    this.drain();
  }

  resume(): void {
    this.paused = false;
    for (const { requestId, request } of this.waiting.splice(0)) this.client(requestId, request);
  }

  client(requestId: number, request: NodeRequest): void {
    const raft = this.raft;
    if (raft === null) return;
    if (this.paused) {
      this.waiting.push({ requestId, request });
      return;
    }
    const answer = (outcome: NodeOutcome): void => void this.earlyOutcomes.push({ requestId, outcome });
    const done = (value: Record<string, unknown> = {}): void => answer({ ok: true, value });
    switch (request.kind) {
      case 'propose':
      case 'conf-change': {
        const outcome = request.kind === 'propose' ? raft.propose(request.command) : raft.proposeConfChange(request.change);
        if (outcome.ok) this.pending.set(outcome.index, { requestId, term: outcome.term });
        else if (outcome.reason === 'not-leader' || outcome.reason === 'transferring' || outcome.reason === 'forwarded') {
          answer({ ok: false, code: 'not-leader', leader: outcome.leaderHint, error: `${this.id} is not the leader (${outcome.reason})` });
        } else {
          answer({ ok: false, code: outcome.reason === 'invalid-conf-change' ? 'bad-request' : 'conflict', error: outcome.detail ?? outcome.reason });
        }
        break;
      }
      case 'read':
        this.read(requestId, request.key, request.consistency, answer);
        break;
      case 'transfer':
        raft.transferLeadership(request.to);
        done();
        break;
      case 'campaign':
        raft.campaign();
        done();
        break;
      case 'snapshot-now': {
        const before = raft.status().snapshotIndex;
        raft.compact(this.kv.appliedIndex, this.kv.snapshot());
        const after = raft.status().snapshotIndex;
        done({ index: after, compacted: after > before });
        break;
      }
      case 'switches':
        raft.setSwitches(request.change);
        done({ switches: raft.status().switches });
        break;
      case 'disk':
        done({ disk: this.diskView() });
        break;
      case 'snapshot-data':
        done({ index: this.kv.appliedIndex, term: raft.status().term, keys: this.kv.size, data: this.kv.snapshot() });
        break;
    }
    // A worker flushes after every turn of its event loop: the answer goes out at once.
    this.drain();
  }

  private read(requestId: number, key: string, consistency: 'stale' | 'lease' | 'linearizable', answer: (outcome: NodeOutcome) => void): void {
    const raft = this.raft!;
    if (consistency === 'stale') return answer({ ok: true, value: this.readValue(key) });
    const status = raft.status();
    if (consistency === 'lease') {
      if (status.leaseReadSafe) return answer({ ok: true, value: this.readValue(key) });
      return answer({ ok: false, code: 'not-leader', leader: status.leader === this.id ? null : status.leader, error: `${this.id} holds no leader lease` });
    }
    const context = `${this.id}:r${requestId}`;
    this.reads.set(context, { requestId, key, index: null });
    raft.readIndex(context);
  }

  private readValue(key: string): Record<string, unknown> {
    const entry = this.kv.get(key);
    if (!entry || entry.data === null) return { key, value: null, version: entry?.version ?? 0, appliedIndex: this.kv.appliedIndex };
    return { key, value: showValue(entry.data), data: entry.data, version: entry.version, appliedIndex: this.kv.appliedIndex };
  }

  /** The host loop until the core has nothing more to do, then one report (as one worker batch). */
  private drain(): void {
    const raft = this.raft;
    if (raft === null) return;
    const appended: EntryView[] = [];
    const applied: AppliedValue[] = [];
    const messages: Message[] = [];
    const observations: Observation[] = [];
    const snapshots: { index: number; term: number; source: 'local' | 'leader' }[] = [];
    const outcomes = this.earlyOutcomes.splice(0);
    let truncatedFrom: number | undefined;
    for (;;) {
      if (!raft.hasReady()) {
        if (!raft.status().snapshotSuggested) break;
        raft.compact(this.kv.appliedIndex, this.kv.snapshot());
        if (!raft.hasReady()) break;
      }
      const ready = raft.ready();
      this.observeRole(ready, observations);
      // Messages allowed to overtake this Ready's persist (a leader's Appends, thesis §10.2.1; all
      // of them under the ackBeforePersist bug) leave first. In the simulator nothing happens
      // between the two halves, so this only fixes their order on the bus; sending everything
      // after persisting would be correct too.
      const early = ready.sendBeforePersist ? ready.messages.length : ready.messagesBeforePersist;
      messages.push(...ready.messages.slice(0, early));
      const first = ready.entries[0];
      if (first && first.index <= this.lastStoredIndex) {
        truncatedFrom = Math.min(truncatedFrom ?? Infinity, first.index);
        while (appended.length > 0 && appended.at(-1)!.index >= first.index) appended.pop();
      }
      this.persist(ready, snapshots, observations);
      const last = ready.entries.at(-1);
      if (last) this.lastStoredIndex = last.index;
      else if (ready.snapshot && ready.snapshotSource === 'leader') this.lastStoredIndex = ready.snapshot.metadata.index;
      appended.push(...ready.entries.map(toEntryView));
      messages.push(...ready.messages.slice(early));
      this.apply(ready, applied, outcomes, observations);
      takeReadStates(ready, this.reads, () => this.raft!.status().leader, outcomes);
      raft.advance(ready);
    }
    serveReads(this.reads, this.kv.appliedIndex, (read) => this.readValue(read.key), outcomes);
    const kvReset = this.kvReset;
    this.kvReset = undefined;
    if (kvReset) applied.splice(0, applied.length, ...storeImage(this.kv));
    const status = this.status();
    const statusChanged = statusWorthReporting(status, this.lastStatus);
    if (statusChanged) this.lastStatus = status;
    const diskDue = (this.diskDirty || snapshots.length > 0) && this.sink.now() - this.lastDiskReportAt >= DISK_REPORT_MS;
    if (diskDue) {
      this.lastDiskReportAt = this.sink.now();
      this.diskDirty = false;
    }
    // The same order as the real cluster folds a worker's report into events.
    const node = this.id;
    if (observations.length > 0) this.sink.observe(observations);
    if (truncatedFrom !== undefined) this.sink.emit({ type: 'log-truncated', node, fromIndex: truncatedFrom });
    if (appended.length > 0) this.sink.emit({ type: 'log-appended', node, entries: appended });
    for (const snapshot of snapshots) this.sink.emit({ type: 'snapshot', node, ...snapshot });
    if (kvReset) this.sink.emit({ type: 'kv-reset', node, reason: kvReset });
    for (const value of applied) this.sink.emit({ type: 'kv-applied', node, ...value });
    if (statusChanged) this.sink.emit({ type: 'node-status', node, status });
    if (diskDue) this.sink.emit({ type: 'node-disk', node, disk: this.diskView() });
    if (messages.length > 0) this.sink.send(messages);
    for (const { requestId, outcome } of outcomes) this.sink.resolve(requestId, outcome);
  }

  /** Role first: a leader that steps down in this Ready and truncates below gives way as a follower. */
  private observeRole(ready: RaftReady, observations: Observation[]): void {
    const term = ready.hardState?.term ?? this.term;
    const role = ready.softState?.role ?? this.role;
    if (term === this.term && role === this.role) return;
    this.term = term;
    this.role = role;
    observations.push({ kind: 'role', node: this.id, term, role });
  }

  /** Persist first, so nothing is promised that is not durable (one "fdatasync" per Ready). */
  private persist(ready: RaftReady, snapshots: { index: number; term: number; source: 'local' | 'leader' }[], observations: Observation[]): void {
    const disk = this.disk;
    const node = this.id;
    const snapshot = ready.snapshot;
    if (snapshot) {
      const { index, term } = snapshot.metadata;
      disk.snapshot = snapshot;
      disk.entries = ready.snapshotSource === 'leader' ? [] : disk.entries.filter((e) => e.index >= (ready.compactedBefore ?? index + 1));
      snapshots.push({ index, term, source: ready.snapshotSource === 'leader' ? 'leader' : 'local' });
      observations.push({ kind: 'snapshot', node, index, term });
      if (ready.snapshotSource === 'leader') {
        this.kv = KvStore.restore(snapshot.data);
        this.kvReset = 'snapshot';
      }
    }
    const first = ready.entries[0];
    if (first) {
      const keep = disk.entries.findIndex((e) => e.index >= first.index);
      if (keep !== -1) disk.entries.length = keep;
      disk.entries.push(...ready.entries);
      disk.records += ready.entries.length;
      observations.push({ kind: 'append', node, entries: ready.entries.map(observed) });
    }
    if (ready.hardState) {
      disk.hardState = ready.hardState;
      disk.records += 1;
      const { term, vote, commit } = ready.hardState;
      observations.push({ kind: 'hard-state', node, term, vote, commit });
      observations.push({ kind: 'commit', node, commit });
    }
    if (ready.entries.length > 0 || ready.hardState || snapshot) this.diskDirty = true;
    if (ready.mustSync) this.fsyncs += 1;
  }

  private apply(ready: RaftReady, applied: AppliedValue[], outcomes: Outcomes, observations: Observation[]): void {
    if (applyCommitted(this.id, ready.committedEntries, this.kv, this.pending, observed, { applied, outcomes, observations })) this.kvReset = 'restore';
  }

  private status(): NodeStatus {
    return toNodeStatus(this.raft!.status(), this.kv.appliedIndex);
  }

  diskView(): DiskView {
    const { disk } = this;
    const last = disk.entries.at(-1);
    return {
      term: disk.hardState.term,
      vote: disk.hardState.vote,
      commit: disk.hardState.commit,
      firstIndex: disk.entries[0]?.index ?? (disk.snapshot ? disk.snapshot.metadata.index + 1 : 0),
      lastIndex: last?.index ?? disk.snapshot?.metadata.index ?? 0,
      lastTerm: last?.term ?? disk.snapshot?.metadata.term ?? 0,
      segments: disk.records > 0 ? 1 : 0,
      walRecords: disk.records,
      walBytes: disk.entries.reduce((sum, e) => sum + 24 + e.data.length, 0),
      snapshotIndex: disk.snapshot?.metadata.index ?? 0,
      snapshotTerm: disk.snapshot?.metadata.term ?? 0,
      snapshotBytes: disk.snapshot?.data.length ?? 0,
      fsyncs: this.fsyncs,
    };
  }
}
