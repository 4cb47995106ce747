// The seed simulator's cluster: N nodes of the lab's own runtime (sim-node.ts) on memory disks, the
// simulator's bus over the shared network model, on virtual ticks. What the nodes report goes
// through the same fold as the lab's (shared/node/report-fold.ts): messages onto the bus,
// observations into the invariant monitor, answers to the client load, and, when the run is
// recorded, the lab's own events, so a failing seed opens on the page as a recording. The fault
// schedule and the client load act on it through the requests a worker's host sends.
import type { InvariantMonitor, Observation } from '../check/index.ts';
import type { NetworkModel } from '../net/index.ts';
import type { MembershipConfig, Message, Status } from '../raft/index.ts';
import type { ClientOutcome, NodeInit, NodeReport, NodeRequest } from '../node/protocol.ts';
import { foldReport, type ReportSinks } from '../node/report-fold.ts';
import type { UnstampedEvent } from '../protocol/events.ts';
import { emptyClusterView } from '../protocol/reduce-view.ts';
import { networkView } from '../host/network-commands.ts';
import { Bus } from '../host/bus.ts';
import { EventLog } from '../host/event-log.ts';
import { SimNode } from './sim-node.ts';
import type { DiskFault } from '../node/disk-fault.ts';
import { MemoryDisk } from '../node/memory-disk.ts';
import { renameByGeneration } from '../check/cluster-checker.ts';

export type CrashPoint = 'before-persist' | 'after-persist';

/** What a run exercised, counted from what the nodes reported. */
export interface NodeCounts {
  elections: number;
  snapshotsInstalled: number;
  compactions: number;
  crashes: number;
  restarts: number;
  /** Interesting states reached (so "0 violations" says what was tried): a node that had led cut
   *  entries off its log (uncommitted ones, after losing leadership); */
  leaderTruncations: number;
  /** a joint configuration (C_old,new) in force on a leader; */
  jointConfigs: number;
  /** a node that stopped because its disk returned EIO (fail-stop, restarted from what it synced); */
  diskFailStops: number;
  /** a write refused by a leader whose disk was full (ENOSPC); */
  diskFullRefusals: number;
  /** a restart refused because a bit had flipped mid-log (the node waits for a new disk). */
  corruptRefusals: number;
}

export interface SeedClusterHooks {
  /** The init of a node's next incarnation (a fresh PRNG stream per boot). */
  initFor(node: string): NodeInit;
  /** An entry of `term` applied on `node` (the fault schedule may crash a leader right after). */
  applied(node: string, term: number): void;
  /** A node went down (a kill or its crash plan): its requests will not be answered. */
  crashed(node: string): void;
}

export class SeedCluster {
  readonly counts: NodeCounts = { elections: 0, snapshotsInstalled: 0, compactions: 0, crashes: 0, restarts: 0, leaderTruncations: 0, jointConfigs: 0, diskFailStops: 0, diskFullRefusals: 0, corruptRefusals: 0 };
  /** Membership changes that took effect: config entries (index > 1) applied, each counted once. */
  readonly configChanges = new Set<string>();
  private readonly nodes: Map<string, SimNode>;
  private readonly bus: Bus<Message>;
  /** The lab's events for this run, when it is recorded. */
  readonly events: EventLog | null;
  private readonly sinks: ReportSinks;
  private lastNetwork = '';
  /** Role and term per node as its observations told them. */
  private readonly roles = new Map<string, { role: string; term: number }>();
  /** Nodes that have been leader at some point (a later truncation of theirs is interesting). */
  private readonly haveLed = new Set<string>();
  /** Leaders last seen in a joint configuration. */
  private readonly inJoint = new Set<string>();
  /** Config entries seen appended, by index:term, to count them when they apply. */
  private readonly configEntries = new Set<string>();
  private nextRequestId = 1;
  /** Disks replaced per node: to the checker each new disk is a new node. */
  private readonly generation = new Map<string, number>();
  /** The node whose report is being folded. */
  private reporting = '';
  /** Who waits for each request's answer, and at which node (a crash forgets them). */
  private readonly waiting = new Map<number, { readonly node: string; readonly answer: (outcome: ClientOutcome) => void }>();

  constructor(
    readonly ids: readonly string[],
    private readonly monitor: InvariantMonitor,
    private readonly net: NetworkModel,
    private readonly nowMs: () => number,
    private readonly hooks: SeedClusterHooks,
    record: { readonly name: string; readonly tickMs: number } | null = null,
  ) {
    this.events = record ? new EventLog(emptyClusterView(record.name, 'production', record.tickMs), nowMs, Infinity) : null;
    const emit = this.events ? (event: UnstampedEvent) => void this.events!.emit(event) : () => {};
    this.bus = new Bus<Message>(
      {
        now: nowMs,
        deliver: (to, messages) => {
          const sim = this.nodes.get(to);
          if (!sim?.running) return false;
          sim.deliver(messages);
          return true;
        },
        isPaused: () => false,
        emit,
      },
      // No flush per batch: the tick's flush makes one turn of everything delivered.
      (from, to, now) => net.route(from, to, now),
    );
    this.sinks = {
      emit,
      observe: (observations) => this.observe(this.reporting, observations),
      // Only our own runtime runs here: its messages are the core's Message.
      send: (messages) => this.bus.send(messages as readonly Message[]),
      record: () => {},
      resolve: (requestId, outcome) => this.resolve(requestId, outcome),
      persisted: () => {},
      leaderReported: () => {},
    };
    emit({ type: 'clock', clock: { now: 0, speed: 1, paused: false } });
    this.noteNetwork();
    this.nodes = new Map(
      ids.map((id) => [
        id,
        new SimNode(id, {
          report: (node, report) => this.take(node, report),
          stopped: (node, reason) => {
            if (reason === 'failed') this.counts.diskFailStops += 1;
            if (reason === 'refused') this.counts.corruptRefusals += 1;
            this.down(node, reason === 'crash-plan' ? 'crashed at a write (the fault schedule)' : reason === 'refused' ? 'its recovery refused a corrupt log' : 'its disk failed');
          },
          now: nowMs,
        }, true),
      ]),
    );
    for (const id of ids) emit({ type: 'node-added', node: id });
  }

  /** Messages sent so far (every copy the network made counts once, as on the lab's bus). */
  get messages(): number {
    return this.bus.counters.sent;
  }

  /** After a fault changed the network: the recording shows the new links. */
  noteNetwork(): void {
    if (!this.events) return;
    const view = networkView(this.net);
    const text = JSON.stringify(view);
    if (text === this.lastNetwork) return;
    this.lastNetwork = text;
    this.events.emit({ type: 'network', network: view });
  }

  isUp(node: string): boolean {
    return this.node(node).running;
  }

  start(node: string): void {
    const sim = this.node(node);
    if (sim.running) return;
    if (sim.disk.records > 0) this.counts.restarts += 1;
    this.roles.set(node, { role: 'follower', term: sim.disk.hardState.term });
    this.events?.emit({ type: 'node-starting', node });
    const init = this.hooks.initFor(node);
    // A node on a new disk is not a founding member: it waits, with no configuration (it cannot
    // campaign), until the leader adds it and sends it the log, as the lab starts an added node.
    if (this.generation.has(node)) {
      const { initialConfig: _founding, ...joining } = init;
      sim.start(joining);
    } else {
      sim.start(init);
    }
  }

  crash(node: string): void {
    const sim = this.node(node);
    if (!sim.running) return;
    sim.kill();
    this.down(node, 'killed');
  }

  /** Crash inside the node's next persist that must sync (memory-disk.ts). */
  planCrash(node: string, point: CrashPoint | null): void {
    this.node(node).disk.crashPlan = point;
  }

  crashPlanned(node: string): boolean {
    return this.node(node).disk.crashPlan !== null;
  }

  diskFault(node: string): DiskFault {
    return this.node(node).disk.fault;
  }

  /** A bit flips in a synced record mid-log on the node's disk (`pick` chooses which); false when its log is too short. */
  corrupt(node: string, pick: number): boolean {
    return this.node(node).disk.corrupt(() => pick) !== null;
  }

  /**
   * A new, empty disk for a node that is down (its old one refused to recover). Its old durable
   * state is gone on purpose, so the checker sees a new node from here on ("n2#1"), as the lab's
   * wipe makes it; safe only once the node is out of the configuration (fault-actions.ts checks).
   */
  replaceDisk(node: string): void {
    this.node(node).disk = new MemoryDisk();
    this.generation.set(node, (this.generation.get(node) ?? 0) + 1);
    this.events?.emit({ type: 'node-wiped', node });
  }

  /** The node's disk turns slow, failing or full, or healthy again (the runtime sees it at its next turn). */
  setDiskFault(node: string, fault: DiskFault): void {
    this.node(node).disk.setFault(fault);
    this.events?.emit({ type: 'node-disk-fault', node, fault });
  }

  /** Sends a request to a running node; `answer` hears its outcome (perhaps at once). False if it is down. */
  send(node: string, request: NodeRequest, answer: (outcome: ClientOutcome) => void = () => {}): boolean {
    const sim = this.node(node);
    if (!sim.running) return false;
    const requestId = this.nextRequestId++;
    this.waiting.set(requestId, { node, answer });
    sim.client({ ...request, requestId });
    return true;
  }

  /** A running node that believes it leads, of the highest term. */
  leader(): string | null {
    // The highest term's: a removed node may still believe it leads an older term (with pre-vote
    // and check-quorum off nobody tells it), and what it is sent never commits.
    let best: { id: string; term: number } | null = null;
    for (const id of this.ids) {
      const status = this.node(id).node?.raftStatus();
      if (status?.role === 'leader' && (best === null || status.term > best.term)) best = { id, term: status.term };
    }
    return best?.id ?? null;
  }

  leaderConfig(): MembershipConfig | null {
    const leader = this.leader();
    return leader === null ? null : this.node(leader).node!.raftStatus().config;
  }

  /** What the node's observations last said of its role and term. */
  roleOf(node: string): { role: string; term: number } {
    return this.roles.get(node) ?? { role: 'follower', term: 0 };
  }

  status(node: string): Status | null {
    return this.node(node).node?.raftStatus() ?? null;
  }

  storeText(node: string): string | null {
    return this.node(node).node?.storeText() ?? null;
  }

  /** Steps the messages due now into their nodes; the tick's flush makes one turn of them. */
  deliverDue(): void {
    this.bus.deliverDue(this.nowMs());
  }

  /** Every node's tick and its one flush for everything that arrived this tick. */
  tickAll(): void {
    for (const id of this.ids) this.node(id).tick();
  }

  private take(node: string, report: NodeReport): void {
    if (report.type === 'ready') {
      if (report.truncatedFrom !== undefined && this.haveLed.has(node)) this.counts.leaderTruncations += 1;
      const status = report.status;
      if (status) {
        const joint = status.role === 'leader' && status.config.votersOutgoing.length > 0;
        if (joint && !this.inJoint.has(node)) this.counts.jointConfigs += 1;
        if (joint) this.inJoint.add(node);
        else this.inJoint.delete(node);
      }
      for (const entry of report.appended) if (entry.type === 'config' && entry.index > 1) this.configEntries.add(`${entry.index}:${entry.term}`);
      for (const snapshot of report.snapshots) {
        if (snapshot.source === 'leader') this.counts.snapshotsInstalled += 1;
        else this.counts.compactions += 1;
      }
    }
    this.reporting = node;
    foldReport(node, report, this.sinks);
    if (report.type !== 'ready') return;
    for (const observation of report.observations) if (observation.kind === 'apply') this.hooks.applied(node, observation.entry.term);
  }

  private resolve(requestId: number, outcome: ClientOutcome): void {
    if (!outcome.ok && outcome.code === 'unavailable') this.counts.diskFullRefusals += 1;
    const waiting = this.waiting.get(requestId);
    this.waiting.delete(requestId);
    waiting?.answer(outcome);
  }

  private observe(node: string, observations: readonly Observation[]): void {
    for (const observation of observations) {
      const found = this.monitor.observe(renameByGeneration(observation, this.generation, false));
      if (this.events) for (const violation of found) this.events.emit({ type: 'violation', invariant: violation.invariant, explanation: violation.explanation });
      if (observation.kind === 'role') {
        if (observation.role === 'leader') {
          this.counts.elections += 1;
          this.haveLed.add(node);
        }
        this.roles.set(node, { role: observation.role, term: observation.term });
      } else if (observation.kind === 'apply') {
        const key = `${observation.entry.index}:${observation.entry.term}`;
        if (this.configEntries.has(key)) this.configChanges.add(key);
      }
    }
  }

  private down(node: string, reason: string): void {
    for (const [requestId, waiting] of this.waiting) if (waiting.node === node) this.waiting.delete(requestId);
    this.counts.crashes += 1;
    this.events?.emit({ type: 'node-killed', node, reason });
    this.monitor.observe(renameByGeneration({ kind: 'crash', node }, this.generation, false));
    this.bus.dropTo(node, `${node} is down`);
    this.hooks.crashed(node);
  }

  private node(id: string): SimNode {
    const sim = this.nodes.get(id);
    if (!sim) throw new Error(`no node ${id} in the simulation`);
    return sim;
  }
}
