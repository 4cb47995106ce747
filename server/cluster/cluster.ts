// One cluster: its nodes' workers, the bus between them, the lab clock, membership, the live
// safety checker and the event stream. Every control action arrives here as a typed Command (from
// REST or the WebSocket alike) and is carried out by `execute`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MAX_RESTORE_BYTES, utf8Length } from '../../shared/kv/limits.ts';
import { KvStore } from '../../shared/kv/store.ts';
import type { Switches } from '../../shared/raft/index.ts';
import { initialSwitches, type SwitchChoice } from './initial-switches.ts';
import { NetworkModel, createPrng } from '../../shared/net/index.ts';
import { CommandError, type ClusterCommand, type Command, type CommandResult } from '../../shared/protocol/commands.ts';
import type { CommandResults, DiskFaultResult, PowerCutResult, ResultOf, RestoreResult } from '../../shared/protocol/command-results.ts';
import type { AnswerTo, SnapshotImage } from '../../shared/node/answers.ts';
import type { ClusterView, NetworkView } from '../../shared/protocol/views.ts';
import { emptyClusterView } from '../../shared/protocol/reduce-view.ts';
import { Bus } from '../../shared/host/bus.ts';
import { ChaosAutopilot } from './chaos.ts';
import { ClientGateway } from './client-gateway.ts';
import { EventLog } from '../../shared/host/event-log.ts';
import type { LivenessRow } from '../../shared/host/liveness-row.ts';
import { clusterWatches } from '../../shared/host/cluster-watches.ts';
import { LabClock } from './lab-clock.ts';
import { Lanes } from './lanes.ts';
import type { ClusterChecker } from '../../shared/check/cluster-checker.ts';
import { Membership } from './membership.ts';
import { Roster } from '../../shared/host/roster.ts';
import { networkView, runNetworkCommand, type NetworkCommand } from '../../shared/host/index.ts';
import { NodeHost, type StopKind } from './node-host.ts';
import { powerCutLoss } from './storage/power-cut.ts';
import type { NodeHostPort } from './node-host-port.ts';
import { foreignHost, linKvClientOf, refuseForForeign } from '../foreign/foreign-hosting.ts';
import type { LinKvClient } from '../foreign/lin-kv-client.ts';
import { ClientHistoryLog } from './client-history-log.ts';
import type { ForeignImplementation } from '../foreign/implementations.ts';
import { PROFILES, compactionFor, type Profile, type ProfileName } from './profiles.ts';
import { Scheduler } from './scheduler.ts';
import { TickCell, monotonicMs } from './tick-cell.ts';
import { ClockCell } from './clock-cell.ts';
import { attemptTimeoutMs } from './attempt-timeout.ts';
import { NodeApiPorts, type NodeApiSetup } from './node-api/node-api-ports.ts';
import { isNodeApiReport } from './node-api/node-api-protocol.ts';
import { writePreparedState } from './prepared-state.ts';
import type { PreparedState } from '../../shared/host/prepared-state.ts';
import { wipe } from './storage/index.ts';
import { tearWalTail } from './storage/tear-tail.ts';
import { DiskTotals, reportIntake } from './report-intake.ts';
import { WorkerRequests, type WorkerRequest } from './worker-requests.ts';
import { answerTo } from '../../shared/host/node-requests.ts';
import { changeMembership, leaderImage, mergeSwitches, pushSwitches, switchesView, transferLeadership, type ClusterPlan, type ClusterStep, type PlanHost } from '../../shared/host/cluster-plans.ts';
import { appliedOn, leaderConfigOf, leaderOf } from '../../shared/protocol/leader-of.ts';
import { lateBusAndGateway, runCommand, type ClusterPorts } from '../../shared/host/command-door.ts';

export interface ClusterOptions {
  readonly name: string;
  readonly nodes: number;
  /** The server's data directory; this cluster lives in <dataDir>/<name>/. */
  readonly dataDir: string;
  readonly profile: ProfileName;
  /** Compaction threshold (entries applied since the last snapshot). Default: the profile's (1,000 teaching, 10,000 production). */
  readonly snapshotThreshold?: number;
  /** Entries per Append (default 64). 1 makes every acknowledgement cover one entry (Figure 8). */
  readonly maxEntriesPerMessage?: number;
  /** Start from prepared disks instead of an empty cluster (scenarios of the paper's figures). */
  readonly prepared?: PreparedState;
  /** Protections and bug switches the nodes start with (default: pre-vote and check-quorum on, no bugs). */
  readonly switches?: SwitchChoice;
  /** Initial clock speed (default: the profile's). */
  readonly speed?: number;
  /** Start with the clock paused (a scenario resumes it once every node has recovered). */
  readonly startPaused?: boolean;
  /** Nodes that are a foreign program speaking Maelstrom's protocol (default: our own core). */
  readonly implementation?: ForeignImplementation;
  /** Each node (of our core) serves its own API port (node-api/); none when absent. */
  readonly nodeApi?: NodeApiSetup;
}

/** Runs a scenario's steps on this cluster (server/scenarios/tour.ts). */
export interface TourDriver {
  /** `prediction`: the answer to the step's question, or null (none asked, or skipped). */
  next(prediction: string | null): Promise<CommandResults['tour-next']>;
}

export class Cluster {
  readonly name: string;
  readonly profile: Profile;
  readonly dir: string;
  readonly clock: LabClock;
  readonly bus: Bus;
  readonly events: EventLog;
  /** Links, partitions, latency, loss, duplication, reordering: the simulator's own model. */
  readonly network: NetworkModel;
  readonly requests: WorkerRequests;
  readonly client: ClientGateway;
  readonly membership: Membership;
  readonly checker: ClusterChecker;
  /** The client history and its linearizability verdict, for GET …/history (every cluster). */
  readonly clientHistory: ClientHistoryLog;
  /** A foreign cluster's client: lin-kv to its nodes (null for ours, whose client is `client`). */
  readonly linKv: LinKvClient | null;
  private readonly liveness: LivenessRow;
  private readonly scheduler: Scheduler;
  /** The clock's ticks, and its reading, in memory the nodes' workers read (tick-cell.ts, clock-cell.ts). */
  private readonly ticks = new TickCell();
  private readonly clockCell = new ClockCell();
  /** The nodes' own API ports, when they serve them. */
  readonly nodeApi: NodeApiPorts | null;
  /** Direct worker-to-worker lanes for instant links (the bus records what they carry). */
  private readonly lanes: Lanes;
  private readonly hosts = new Map<string, NodeHostPort>();
  /** Set when the nodes are a foreign program (server/foreign) rather than our core. */
  readonly implementation: ForeignImplementation | undefined;
  private switches: Switches;
  readonly chaos: ChaosAutopilot;
  /** The guided tour running on this cluster, if it was started for a scenario. */
  tour: TourDriver | null = null;
  /** The snapshot an operator saved with snapshot-save, for snapshot-restore. */
  private savedSnapshot: { index: number; term: number; keys: number; data: string } | null = null;
  private readonly snapshotThreshold: number;
  private readonly maxEntriesPerMessage: number | undefined;
  private readonly prepared: PreparedState | undefined;
  /** Disk totals for /metrics and benchmarks. */
  readonly disk = new DiskTotals();
  /** Folds a worker's report into events, the checker, the bus and waiting requests. */
  private readonly intake = reportIntake(this);

  constructor(options: ClusterOptions) {
    this.name = options.name;
    this.profile = PROFILES[options.profile];
    this.dir = join(options.dataDir, options.name);
    this.snapshotThreshold = options.snapshotThreshold ?? this.profile.snapshotEntries;
    this.maxEntriesPerMessage = options.maxEntriesPerMessage;
    this.prepared = options.prepared;
    this.implementation = options.implementation;
    this.clock = new LabClock(options.speed ?? this.profile.speed, monotonicMs, (virtual, real, speed) => this.clockCell.publish(virtual, real, speed));
    if (options.startPaused) this.clock.pause();
    this.switches = initialSwitches(options.switches);
    const view = emptyClusterView(this.name, this.profile.name, this.profile.tickMs);
    if (options.implementation) view.implementation = options.implementation.name;
    this.events = new EventLog(view, () => this.clock.now());
    this.clientHistory = new ClientHistoryLog(this.events);
    ({ checker: this.checker, liveness: this.liveness } = clusterWatches(this.events, { electionTimeoutMs: this.profile.electionTicks * this.profile.tickMs }));
    this.network = new NetworkModel(createPrng(randomBytes(4).readUInt32LE(0)));
    this.network.setDefaults({ latency: this.profile.latencyMs, jitter: this.profile.jitterMs });
    this.bus = new Bus(
      {
        now: () => this.clock.now(),
        deliver: (to, messages) => this.hosts.get(to)?.post({ type: 'deliver', messages }) ?? false,
        isPaused: (node) => this.hosts.get(node)?.paused ?? false,
        emit: (event) => this.events.emit(event),
        wake: () => this.scheduler.wake(),
      },
      (from, to, now) => this.network.route(from, to, now),
    );
    this.scheduler = new Scheduler(this.clock, this.profile.tickMs, {
      tick: (ticks) => {
        this.ticks.advance(ticks);
        this.liveness.look(this.clock.now());
      },
      planTick: (delay) => this.ticks.planNext(delay === Infinity ? Infinity : monotonicMs() + delay),
      deliverDue: (now) => this.bus.deliverDue(now),
      nextDeliveryAt: () => this.bus.nextDueAt(),
    });
    this.lanes = new Lanes((from, to) => this.instantLink(from, to));
    this.requests = new WorkerRequests((node, request) => this.hosts.get(node)?.request(request) ?? false);
    this.client = new ClientGateway(
      {
        requests: this.requests,
        leader: () => this.leader(),
        isRunning: (node) => this.hosts.get(node)?.running ?? false,
        anyRunning: () => [...this.hosts.values()].find((host) => host.running && !host.paused)?.id ?? null,
        waitForLeader: (deadline) => this.waitForLeader(deadline),
        waitForApplied: async (node, index, deadline) => (await this.waitFor(deadline, () => appliedOn(this.events.view, node) >= index)) === true,
        attemptTimeoutMs: () => this.attemptTimeoutMs(),
        emit: (event) => this.events.emit(event),
        now: () => this.clock.now(),
      },
      `lab-${randomBytes(4).toString('hex')}`,
    );
    this.linKv = this.implementation ? linKvClientOf(this, (node) => this.hosts.get(node)) : null;
    this.nodeApi = options.nodeApi && !this.implementation ? new NodeApiPorts(options.nodeApi, { name: this.name, events: this.events, nodeIds: () => this.nodeIds(), isRunning: (node) => this.isRunning(node), post: (node, message) => void this.hosts.get(node)?.post(message) }) : null;
    const chaosRandom = createPrng(randomBytes(4).readUInt32LE(0));
    this.chaos = new ChaosAutopilot({
      execute: (command) => this.execute(command),
      view: () => this.view,
      clock: () => ({ speed: this.clock.speed, paused: this.clock.paused }),
      report: (running, action) => this.events.emit({ type: 'chaos', running, action }),
      random: chaosRandom,
    });
    this.membership = Membership.open(this.dir, options.nodes, {
      requests: this.requests,
      leader: () => this.leader(),
      leaderConfig: () => leaderConfigOf(this.events.view),
      hasHost: (node) => this.hosts.has(node),
      startNode: (node, bootstrap) => this.startNode(node, bootstrap),
      dropNode: (node) => this.dropNode(node),
      attemptTimeoutMs: () => this.attemptTimeoutMs(),
      timeStopped: () => this.clock.paused,
    });
  }

  get view(): ClusterView {
    this.events.view.clock = this.clock.state();
    return this.events.view;
  }

  /** Every node with a worker slot (members, and nodes on their way in or out). */
  nodeIds(): string[] {
    return [...this.hosts.keys()].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  isRunning(node: string): boolean {
    return this.hosts.get(node)?.running ?? false;
  }

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    this.events.emit({ type: 'clock', clock: this.clock.state() });
    this.events.emit({ type: 'network', network: this.networkView() });
    this.events.emit({ type: 'switches', switches: switchesView(this.switches) });
    if (this.prepared && this.membership.roster.startsFresh()) {
      writePreparedState(this.dir, this.membership.roster.members(), this.prepared);
      this.membership.roster.markBootstrapped();
    }
    // Ticks are planned before the first node starts, so its worker knows when to wake.
    this.scheduler.start();
    this.membership.roster.startAll();
  }

  async stop(): Promise<void> {
    this.chaos.halt();
    this.scheduler.stop();
    this.membership.stop();
    await Promise.all([...this.hosts.values()].map((host) => host.kill()));
  }

  /** The one entry point for control: REST, WebSocket and Vault commands all land here. Throws the
   *  CommandError a command earned; `execute` is the same as a wire answer. */
  run<C extends ClusterCommand>(command: C): Promise<ResultOf<C>> {
    return runCommand(command, this.implementation ? refuseForForeign(this.ports) : this.ports);
  }

  async execute(command: ClusterCommand): Promise<CommandResult> {
    try {
      const result = await this.run(command);
      // Every command's result is an object or nothing (command-results.ts), so it is the wire's record.
      return result === undefined ? { ok: true } : { ok: true, result: result as Readonly<Record<string, unknown>> };
    } catch (error) {
      if (error instanceof CommandError) return { ok: false, code: error.code, error: error.message };
      throw error;
    }
  }

  /** What each command means here, for the one command switch (shared/host/command-door.ts). */
  private readonly ports: ClusterPorts = {
    kill: (node) => this.kill(node),
    restart: (node) => this.restart(node),
    pauseNode: (node) => this.pauseNode(node),
    resumeNode: (node) => this.resumeNode(node),
    wipeNode: (node) => this.wipeNode(node),
    powerCut: (node, at) => this.powerCut(node, at),
    powerLoss: async () => void (await Promise.all(this.nodeIds().map((id) => this.powerCut(id, 'now')))),
    diskFault: (node, fault) => this.setDiskFault(node, fault),
    restartAll: () => {
      for (const id of this.nodeIds()) if (!this.isRunning(id)) this.startNode(id, false);
    },
    ask: (node, request) => this.ask(node, request),
    tearTail: (node) => this.tearTail(node),
    known: (node) => this.known(node),
    addNode: (learner) => this.membership.roster.add(learner),
    removeNode: (node) => this.membership.roster.remove(node),
    promote: (node) => this.membership.roster.promote(node),
    changeMembership: (add, remove) => this.drive(changeMembership(this.planHost, this.membership.roster, add, remove)),
    transferLeadership: (to) => {
      this.known(to);
      return this.drive(transferLeadership(this.planHost, to));
    },
    network: (command) => this.runNetwork(command),
    hold: (held) => {
      this.bus.setHeld(held);
      this.lanes.refresh();
    },
    step: () => this.bus.step()?.summary ?? null,
    ...lateBusAndGateway(() => this.bus, () => this.linKv ?? this.client),
    switches: (change) => this.setSwitches(change),
    snapshotSave: async () => {
      const saved = await this.saveSnapshot();
      this.savedSnapshot = saved;
      return { index: saved.index, term: saved.term, keys: saved.keys, bytes: saved.data.length };
    },
    snapshotRestore: () => {
      if (!this.savedSnapshot) throw new CommandError('conflict', 'no snapshot saved yet: save one first');
      return this.restoreSnapshot(this.savedSnapshot.data);
    },
    reset: () => this.reset(),
    clock: (speed, paused) => {
      this.setClock(speed, paused);
      return { ...this.clock.state() };
    },
    chaos: async (running, load) => {
      if (running) this.chaos.start(load);
      else await this.chaos.stop();
      return { running: this.chaos.active };
    },
    tourNext: (prediction) => {
      if (!this.tour) throw new CommandError('conflict', 'this cluster runs no tour (start one from the scenario picker)');
      return this.tour.next(prediction);
    },
  };

  /** A power cut: the node stops and keeps only what it had synced; a node already down loses what
   *  the page cache still held for it. `next-sync` arms the cut for the node's next sync. */
  private async powerCut(node: string, at: 'now' | 'next-sync'): Promise<PowerCutResult> {
    const host = this.host(node);
    if (at === 'next-sync') {
      if (!host.running) throw new CommandError('conflict', `${node} is not running: it will not sync again`);
      host.powerCutAtNextSync();
      return { armed: true };
    }
    const wasDead = !host.running && this.events.view.nodes.find((n) => n.id === node)?.life === 'dead';
    const cut = await host.powerCut();
    if (wasDead) this.events.emit({ type: 'node-killed', node, reason: 'power-cut', lost: powerCutLoss(cut) });
    return { ...cut };
  }

  /** A disk that fails like a disk (shared/node/disk-fault.ts): kept by the node's host across
   *  workers and told to a running one; `corrupt` flips a bit in its files now. */
  private async setDiskFault(node: string, fault: Parameters<ClusterPorts['diskFault']>[1]): Promise<DiskFaultResult> {
    const host = this.host(node);
    if (!(host instanceof NodeHost)) throw new CommandError('conflict', `${node} is a foreign program: its disk is its own`);
    if (fault.kind === 'corrupt') {
      const flipped = host.corruptDisk();
      if (!flipped) throw new CommandError('conflict', `${node}'s log holds fewer than two synced records: there is no middle to corrupt yet`);
      this.events.emit({ type: 'node-disk-fault', node, fault: host.diskFault });
      return { ...flipped, fault: host.diskFault };
    }
    host.setDiskFault(fault);
    if (host.running) await this.ask(node, { kind: 'disk-fault', fault });
    this.events.emit({ type: 'node-disk-fault', node, fault });
    return { fault };
  }

  /** Leaves half a WAL record at the end of a stopped node's log, as a power cut mid-write does. */
  private tearTail(node: string): CommandResults['tear-tail'] {
    if (this.host(node).running) throw new CommandError('conflict', `${node} is running: kill it first (a torn write happens when power is cut)`);
    const torn = tearWalTail(join(this.dir, node));
    if (!torn) throw new CommandError('conflict', `${node} has no write-ahead log yet`);
    return torn;
  }

  /** Destroys every node's data and starts over: n1 bootstraps alone again and the others join. */
  private async reset(): Promise<void> {
    await Promise.all(this.nodeIds().map((id) => this.host(id).kill()));
    for (const id of this.nodeIds()) {
      wipe(join(this.dir, id));
      const host = this.host(id);
      if (host instanceof NodeHost) host.diskReplaced();
      this.checker.wiped(id);
      this.events.emit({ type: 'node-wiped', node: id });
    }
    this.membership.roster.restartFromNothing();
    this.membership.roster.startAll();
  }

  /**
   * The leader's state-machine image (Vault's `sys/storage/raft/snapshot` GET). It can be restored
   * into this or any other cluster.
   */
  saveSnapshot(): Promise<SnapshotImage> {
    return this.drive(leaderImage(this.planHost));
  }

  /**
   * Replaces the whole store with an image from saveSnapshot (Vault's snapshot POST). The image is
   * validated here, then travels through the log so every node restores it at the same index.
   */
  async restoreSnapshot(data: string): Promise<RestoreResult> {
    const bytes = utf8Length(data);
    if (bytes > MAX_RESTORE_BYTES) {
      throw new CommandError('too-large', `the snapshot's store image is ${bytes} bytes; the limit is ${MAX_RESTORE_BYTES} (8 MiB)`);
    }
    try {
      KvStore.restore(data);
    } catch (error) {
      throw new CommandError('bad-request', `not a raftlab snapshot: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.client.restore(data);
  }

  /** The node the cluster currently follows: a live leader of the highest term. */
  leader(): string | null {
    return leaderOf(this.events.view);
  }

  async kill(node: string): Promise<void> {
    const host = this.host(node);
    if (!host.running) throw new CommandError('conflict', `${node} is already down`);
    await host.kill();
  }

  restart(node: string): void {
    if (this.host(node).running) throw new CommandError('conflict', `${node} is already running`);
    this.startNode(node, false);
  }

  private pauseNode(node: string): void {
    const host = this.host(node);
    if (!host.running) throw new CommandError('conflict', `${node} is not running`);
    if (host.paused) throw new CommandError('conflict', `${node} is already paused`);
    host.pause();
    this.lanes.refresh();
    this.events.emit({ type: 'node-paused', node });
  }

  private resumeNode(node: string): void {
    const host = this.host(node);
    if (!host.paused) throw new CommandError('conflict', `${node} is not paused`);
    host.resume();
    this.events.emit({ type: 'node-resumed', node });
    this.bus.releaseParked(node);
    this.lanes.refresh();
  }

  /** Kill, delete the directory, start empty: the node rejoins and the leader catches it up. */
  private async wipeNode(node: string): Promise<void> {
    const host = this.host(node);
    if (host.running) await host.kill();
    wipe(join(this.dir, node));
    if (host instanceof NodeHost) host.diskReplaced(); // a new, empty disk is a healthy one
    this.checker.wiped(node);
    this.events.emit({ type: 'node-wiped', node });
    this.startNode(node, false);
  }

  setClock(speed: number | undefined, paused: boolean | undefined): void {
    if (speed !== undefined) this.clock.setSpeed(speed);
    if (paused === true) this.clock.pause();
    if (paused === false) this.clock.resume();
    this.scheduler.clockChanged();
    for (const host of this.hosts.values()) host.clock(this.clock.speed, this.clock.paused);
    this.lanes.refresh();
    this.events.emit({ type: 'clock', clock: this.clock.state() });
    if (paused === false) this.membership.roster.reconcile();
  }

  private async setSwitches(change: Extract<Command, { type: 'switches' }>): Promise<CommandResults['switches']> {
    this.switches = mergeSwitches(this.switches, change);
    await this.drive(pushSwitches(this.nodeIds().filter((id) => this.isRunning(id)), this.switches, this.attemptTimeoutMs()));
    this.events.emit({ type: 'switches', switches: switchesView(this.switches) });
    return { switches: switchesView(this.switches) };
  }

  private runNetwork(command: NetworkCommand): CommandResults['network'] {
    runNetworkCommand(this.network, command, this.nodeIds(), this.leader());
    this.lanes.refresh();
    const network = this.networkView();
    this.events.emit({ type: 'network', network });
    return { network };
  }

  private networkView(): NetworkView {
    return networkView(this.network);
  }

  /** Asks one node's worker and returns its answer, or throws the error it gave. */
  private async ask<R extends WorkerRequest>(node: string, request: R): Promise<AnswerTo<R>> {
    if (!this.host(node).running) throw new CommandError('conflict', `${node} is not running`);
    return answerTo(request, await this.requests.send(node, request, this.attemptTimeoutMs()));
  }

  /** Real milliseconds one client attempt waits (attempt-timeout.ts). */
  attemptTimeoutMs(): number {
    return attemptTimeoutMs(this.profile.electionTicks, this.profile.tickMs, this.clock.speed);
  }

  waitForLeader(deadline: number): Promise<string | null> {
    return this.waitFor(deadline, () => this.leader());
  }

  /** Resolves with the first truthy value of `probe`, checked on every event, or null at the deadline. */
  private waitFor<T>(deadline: number, probe: () => T | null | false): Promise<T | null> {
    const now = probe();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), Math.max(0, deadline - performance.now()));
      const unsubscribe = this.events.subscribe(() => {
        const value = probe();
        if (value) done(value);
      });
      const done = (value: T | null): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      };
    });
  }

  /** Deadlines of plans in real ms: the lab clock may be slowed or paused, a client's patience not. */
  private readonly planHost: PlanHost = { leader: () => this.leader(), attemptTimeoutMs: () => this.attemptTimeoutMs(), deadlineNow: () => performance.now() };

  /** Carries out a plan (shared/host/cluster-plans.ts) with promises: asks go to the workers,
   *  waits watch the event stream. */
  private async drive<T>(plan: ClusterPlan<T>): Promise<T> {
    let step = plan.next();
    while (!step.done) step = plan.next(await this.doStep(step.value));
    return step.value;
  }

  private async doStep(step: ClusterStep): Promise<unknown> {
    if ('ask' in step) return this.requests.send(step.ask, step.request, step.timeoutMs);
    if ('askEach' in step) return Promise.all(step.askEach.map((node) => this.requests.send(node, step.request, step.timeoutMs)));
    return (await this.waitFor(step.deadline, step.until)) === true;
  }

  private host(node: string): NodeHostPort {
    const host = this.hosts.get(node);
    if (!host) throw new CommandError('not-found', `cluster ${this.name} has no node ${node}`);
    return host;
  }

  private known(node: string): string {
    return this.host(node).id;
  }

  private startNode(id: string, bootstrap: boolean): void {
    let host = this.hosts.get(id);
    if (!host) {
      host = this.makeHost(id);
      this.hosts.set(id, host);
      this.events.emit({ type: 'node-added', node: id });
    }
    this.events.emit({ type: 'node-starting', node: id });
    host.start({
      id,
      dir: join(this.dir, id),
      timing: { electionTicks: this.profile.electionTicks, heartbeatTicks: this.profile.heartbeatTicks },
      ...(bootstrap ? { initialConfig: Roster.bootstrapConfig(id), campaignAtBootstrap: this.profile.campaignAtBootstrap } : {}),
      seed: randomBytes(4).readUInt32LE(0),
      switches: this.switches,
      ...compactionFor(id, this.snapshotThreshold, this.profile),
      ...(this.maxEntriesPerMessage !== undefined ? { maxEntriesPerMessage: this.maxEntriesPerMessage } : {}),
      ticks: { cell: this.ticks.buffer, since: this.ticks.ticks(), tickMs: this.profile.tickMs, speed: this.clock.speed, paused: this.clock.paused },
      ...(this.nodeApi ? { api: { ...this.nodeApi.initFor(id), clock: this.clockCell.buffer } } : {}),
    });
    this.lanes.started(host);
  }

  /** A worker with our core, or the cluster's foreign implementation (one seam: NodeHostPort). */
  private makeHost(id: string): NodeHostPort {
    const onExit = (node: string, stop: StopKind | null, error: string | null): void => this.onExit(node, stop, error);
    if (!this.implementation) return new NodeHost(id, { onReport: (node, report) => (isNodeApiReport(report) ? this.nodeApi?.fromWorker(node, report) : this.intake(node, report)), onExit });
    return foreignHost(id, this.implementation, {
      nodes: () => this.membership.roster.members(),
      onReport: this.intake,
      onExit,
      onClientMessage: (from, message) => {
        const refused = this.linKv?.receive(from, message);
        if (refused) this.events.emit({ type: 'node-note', node: from, note: `${from} ${refused}` });
      },
      onNote: (node, note) => this.events.emit({ type: 'node-note', node, note }),
    });
  }

  /** A message from → to may skip the bus (lanes.ts): an instant link, not held, both nodes running and
   *  the clock at full speed. Slowed down, time is for watching and tours act between two messages. */
  private instantLink(from: string, to: string): boolean {
    if (this.bus.held || this.clock.paused || this.clock.speed < 1 || this.hosts.get(from)?.paused || this.hosts.get(to)?.paused) return false;
    return this.network.isInstant(from, to);
  }

  /** A removed node: stop it, delete its data, forget it. */
  private async dropNode(node: string): Promise<void> {
    const host = this.hosts.get(node);
    if (!host) return;
    this.hosts.delete(node);
    await host.kill();
    wipe(join(this.dir, node));
    this.checker.wiped(node);
    this.bus.dropTo(node, `${node} was removed`);
    this.events.emit({ type: 'node-removed', node });
  }

  private onExit(node: string, stop: StopKind | null, error: string | null): void {
    const life = this.events.view.nodes.find((n) => n.id === node)?.life;
    const host = this.hosts.get(node);
    const cut = stop === 'power-cut' && host instanceof NodeHost ? host.lastPowerCut : null;
    if (life !== 'failed') this.events.emit({ type: 'node-killed', node, reason: stop ?? `crashed: ${error ?? 'unknown'}`, ...(cut ? { lost: powerCutLoss(cut) } : {}) });
    if (host instanceof NodeHost && host.takeSpentFault()) this.events.emit({ type: 'node-disk-fault', node, fault: host.diskFault });
    this.checker.crashed(node);
    this.lanes.stopped(node);
    this.bus.dropTo(node, `${node} is down`);
    this.requests.failNode(node, `${node} went down before answering`);
  }
}
