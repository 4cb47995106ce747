// One simulated machine: a RawNode, an in-memory disk and the KV state machine, driven by the host
// loop of shared/raft/types.ts. The disk keeps only what a Ready persisted, so a crash — including
// one between taking a Ready and persisting it — loses exactly what a real machine would.
import type { InvariantMonitor, ObservedEntry } from '../check/index.ts';
import { KvStore, type KvApplyResult } from '../kv/index.ts';
import { RawNode, type Entry, type HardState, type Message, type RaftConfig, type RaftReady, type Role, type Snapshot } from '../raft/index.ts';

export interface Disk {
  hardState: HardState;
  entries: Entry[];
  snapshot: Snapshot | undefined;
  /** False until the first Ready was persisted: a node with an empty disk bootstraps afresh. */
  used: boolean;
}

export type CrashPoint = 'before-persist' | 'after-persist';

/** What the simulator wants to hear from a host. */
export interface HostListener {
  send(messages: readonly Message[]): void;
  applied(node: SimNode, entry: Entry, result: KvApplyResult | undefined): void;
  readReady(node: SimNode, context: string): void;
  readFailed(node: SimNode, context: string): void;
  crashed(node: SimNode): void;
}

/** Compact the log once this many entries were applied since the last snapshot. */
const COMPACT_EVERY = 40;

export class SimNode {
  readonly disk: Disk = { hardState: { term: 0, vote: null, commit: 0 }, entries: [], snapshot: undefined, used: false };
  raw: RawNode | null = null;
  kv = new KvStore();
  /** Set by the fault schedule: crash inside the next Ready at this point. */
  crashPlan: CrashPoint | null = null;
  private readonly pendingReads = new Map<string, number>();
  private lastCompacted = 0;
  /** Counters for the run's report (what the schedule actually exercised). */
  readonly counts = { elections: 0, snapshotsInstalled: 0, compactions: 0, crashes: 0, restarts: 0 };
  /** Term and role as the Readies told them (cheaper than asking status() on every Ready). */
  term = 0;
  role: Role = 'follower';

  constructor(
    readonly id: string,
    private readonly config: () => RaftConfig,
    private readonly monitor: InvariantMonitor,
    private readonly listener: HostListener,
  ) {}

  get up(): boolean {
    return this.raw !== null;
  }

  /** Boots (or reboots) from whatever the disk holds. */
  start(): void {
    const { disk } = this;
    if (!disk.used) {
      this.raw = new RawNode(this.config());
      this.kv = new KvStore();
    } else {
      this.raw = new RawNode(this.config(), {
        hardState: disk.hardState,
        entries: [...disk.entries],
        ...(disk.snapshot === undefined ? {} : { snapshot: disk.snapshot }),
      });
      this.kv = disk.snapshot === undefined ? new KvStore() : KvStore.restore(disk.snapshot.data);
      this.counts.restarts++;
      this.monitor.observe({
        kind: 'restart',
        node: this.id,
        hardState: disk.hardState,
        ...(disk.snapshot === undefined ? {} : { snapshot: { index: disk.snapshot.metadata.index, term: disk.snapshot.metadata.term } }),
        log: disk.entries.map(observed),
      });
    }
    this.lastCompacted = this.kv.appliedIndex;
    this.pendingReads.clear();
    this.crashPlan = null;
    this.term = disk.hardState.term;
    this.role = 'follower';
  }

  crash(): void {
    if (this.raw === null) return;
    this.raw = null;
    this.pendingReads.clear();
    this.crashPlan = null;
    this.counts.crashes++;
    this.monitor.observe({ kind: 'crash', node: this.id });
    this.listener.crashed(this);
  }

  /** Runs the host loop until the node has nothing more to say. */
  drain(): void {
    while (this.raw !== null && this.raw.hasReady()) this.handle(this.raw, this.raw.ready());
  }

  private handle(raw: RawNode, rd: RaftReady): void {
    // The role first: a leader that stepped down in this Ready may truncate its log below, and
    // that is a follower giving way, not a leader rewriting its own log.
    const term = rd.hardState?.term ?? this.term;
    const role = rd.softState?.role ?? this.role;
    if (term !== this.term || role !== this.role) {
      this.term = term;
      this.role = role;
      this.monitor.observe({ kind: 'role', node: this.id, term, role });
      if (role === 'leader') this.counts.elections++;
    }
    if (rd.sendBeforePersist) this.listener.send(rd.messages);
    // Crash before persisting only in a Ready that has something to lose (entries, term or vote),
    // so the crash takes back a promise whenever the core sent one too early.
    if (this.crashPlan === 'before-persist' && rd.mustSync) return this.crash();
    this.persist(rd);
    if (this.crashPlan === 'after-persist') return this.crash();
    if (!rd.sendBeforePersist) this.listener.send(rd.messages);

    if (rd.snapshot !== undefined && rd.snapshotSource === 'leader') {
      this.counts.snapshotsInstalled++;
      this.kv = KvStore.restore(rd.snapshot.data);
      this.lastCompacted = this.kv.appliedIndex;
    }
    const last = rd.committedEntries[rd.committedEntries.length - 1];
    if (last !== undefined) this.monitor.observe({ kind: 'commit', node: this.id, commit: last.index });
    for (const entry of rd.committedEntries) {
      if (entry.index <= this.kv.appliedIndex) continue;
      let result: KvApplyResult | undefined;
      if (entry.type === 'normal') result = this.kv.apply(entry.index, entry.data);
      else this.kv.skip(entry.index);
      this.monitor.observe({ kind: 'apply', node: this.id, entry: observed(entry) });
      this.listener.applied(this, entry, result);
      if (this.raw === null) return; // a listener may not crash us, but stay safe
    }
    for (const state of rd.readStates) this.pendingReads.set(state.context, state.index);
    for (const failure of rd.readFailures) this.listener.readFailed(this, failure.context);
    raw.advance(rd);
    this.serveReads();
    if (this.kv.appliedIndex - this.lastCompacted >= COMPACT_EVERY) {
      this.lastCompacted = this.kv.appliedIndex;
      this.counts.compactions++;
      raw.compact(this.kv.appliedIndex, this.kv.snapshot());
    }
  }

  /** Serves a read once the state machine reaches `index` (lease reads and local reads). */
  readAt(context: string, index: number): void {
    this.pendingReads.set(context, index);
    this.serveReads();
  }

  private persist(rd: RaftReady): void {
    const { disk } = this;
    disk.used = true;
    if (rd.snapshot !== undefined) {
      disk.snapshot = rd.snapshot;
      const { index, term } = rd.snapshot.metadata;
      disk.entries = rd.snapshotSource === 'leader' ? [] : disk.entries.filter((e) => e.index >= (rd.compactedBefore ?? index + 1));
      this.monitor.observe({ kind: 'snapshot', node: this.id, index, term });
    }
    const first = rd.entries[0];
    if (first !== undefined) {
      const keep = disk.entries.findIndex((e) => e.index >= first.index);
      if (keep !== -1) disk.entries.length = keep;
      disk.entries.push(...rd.entries);
      this.monitor.observe({ kind: 'append', node: this.id, entries: rd.entries.map(observed) });
    }
    if (rd.hardState !== undefined) {
      disk.hardState = rd.hardState;
      this.monitor.observe({ kind: 'hard-state', node: this.id, ...rd.hardState });
    }
  }

  private serveReads(): void {
    for (const [context, index] of this.pendingReads) {
      if (this.kv.appliedIndex < index) continue;
      this.pendingReads.delete(context);
      this.listener.readReady(this, context);
    }
  }
}

export function observed(entry: Entry): ObservedEntry {
  return { index: entry.index, term: entry.term, data: `${entry.type}:${entry.data}` };
}
