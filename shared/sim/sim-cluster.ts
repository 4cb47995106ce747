// A scenario target in the simulator: the lab's command set carried out on simulated machines
// (the real core, in-memory disks, the shared network model) in virtual time, single-threaded and
// deterministic from one seed. It emits the same events as the real runtime (server/cluster) and
// folds them with the same reducer, so shared/scenarios judges both worlds with one set of
// expectations. Waiting — for an election, a commit, a client answer — is advancing the loop:
// ticks every 10 virtual ms, and deliveries at the virtual times the network model gives them.
import { KvStore } from '../kv/index.ts';
import { createPrng, deriveSeed, NetworkModel } from '../net/index.ts';
import { noBugs, seedFor, type BugName, type MembershipConfig, type Message, type Switches } from '../raft/index.ts';
import { CommandError, type ClusterCommand, type Command, type CommandResult } from '../protocol/commands.ts';
import { lateBusAndGateway, runCommand, type ClusterPorts } from '../host/command-door.ts';
import type { ClusterEvent, UnstampedEvent } from '../protocol/events.ts';
import type { ClusterView } from '../protocol/views.ts';
import { emptyClusterView } from '../protocol/reduce-view.ts';
import type { Scenario, ScenarioTarget } from '../scenarios/types.ts';
import type { ClusterChecker } from '../check/cluster-checker.ts';
import { EventLog } from '../host/event-log.ts';
import type { LivenessRow } from '../host/liveness-row.ts';
import { clusterWatches } from '../host/cluster-watches.ts';
import { SimGateway } from './cluster/gateway.ts';
import { networkView, runNetworkCommand, type NetworkCommand } from '../host/network-commands.ts';
import { preparedBatch, type PreparedState } from '../host/prepared-state.ts';
import type { NodeRequest } from '../node/protocol.ts';
import { NodeRequests, answerTo, type PendingRequest, type RequestOutcome } from '../host/node-requests.ts';
import { changeMembership, leaderImage, mergeSwitches, pushSwitches, switchesView, transferLeadership, type ClusterPlan, type ClusterStep, type PlanHost } from '../host/cluster-plans.ts';
import { appliedOn, leaderConfigOf, leaderOf } from '../protocol/leader-of.ts';
import type { AnswerTo, SnapshotImage } from '../node/answers.ts';
import type { CommandResults } from '../protocol/command-results.ts';
import { Roster } from '../host/roster.ts';
import { Bus } from '../host/bus.ts';
import { SimNode } from './sim-node.ts';
import { MemoryDisk } from '../node/memory-disk.ts';
import { foldReport, type ReportSinks } from '../node/report-fold.ts';

export interface SimClusterOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly name?: string;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly bugs?: readonly BugName[];
  /** Compaction threshold (entries applied since the last snapshot). Default 1000, as the server's. */
  readonly snapshotThreshold?: number;
  readonly maxEntriesPerMessage?: number;
  readonly prepared?: PreparedState;
  /** The lab clock's speed in the real cluster; here it only scales client timeouts as there. */
  readonly speed?: number;
  /** One-way latency and jitter in virtual ms (default: the production profile's, 0 and 0). */
  readonly latencyMs?: number;
  readonly jitterMs?: number;
}

/** The production profile's timing (server/cluster/profiles.ts), which the real scenario tests use. */
export const SIM_TICK_MS = 10;
const ELECTION_TICKS = 15;
const HEARTBEAT_TICKS = 5;
/** Steps at one virtual instant before the loop calls it a livelock (zero-latency ping-pong). */
const MAX_STEPS_PER_INSTANT = 100_000;
/** Events kept for expectations about the past (as server/scenarios/cluster-target.ts keeps). */
const SCENARIO_HISTORY_LIMIT = 50_000;

export function simOptionsFor(scenario: Scenario, seed: number): SimClusterOptions {
  const { setup } = scenario;
  return {
    seed,
    nodes: setup.nodes,
    name: scenario.id,
    ...(setup.preVote !== undefined ? { preVote: setup.preVote } : {}),
    ...(setup.checkQuorum !== undefined ? { checkQuorum: setup.checkQuorum } : {}),
    ...(setup.bugs ? { bugs: setup.bugs } : {}),
    ...(setup.snapshotThreshold !== undefined ? { snapshotThreshold: setup.snapshotThreshold } : {}),
    ...(setup.maxEntriesPerMessage !== undefined ? { maxEntriesPerMessage: setup.maxEntriesPerMessage } : {}),
    ...(setup.prepared ? { prepared: setup.prepared } : {}),
    ...(setup.speed !== undefined ? { speed: setup.speed } : {}),
  };
}

export class SimCluster implements ScenarioTarget {
  /** Virtual milliseconds since the cluster started. */
  now = 0;
  private nextTickAt = SIM_TICK_MS;
  private readonly events: EventLog;
  private readonly network: NetworkModel;
  private readonly bus: Bus<Message>;
  private readonly requests: NodeRequests;
  private readonly checker: ClusterChecker;
  private readonly liveness: LivenessRow;
  private readonly roster: Roster;
  /** Virtual time of the roster's next retry after a failed change, if one is due. */
  private rosterRetryAt: number | null = null;
  private readonly gateway: SimGateway;
  private readonly machines = new Map<string, SimNode>();
  /** Folds a node's report into events, the checker, the bus and waiting requests (as the lab does). */
  private readonly sinks: ReportSinks;
  private switches: Switches;
  private savedSnapshot: { index: number; term: number; keys: number; data: string } | null = null;
  private boots = 0;
  /** Prepared disks (a paper figure's logs), handed to each machine when it is created. */
  private readonly preparedDisks = new Map<string, MemoryDisk>();
  private stepsThisInstant = 0;
  private lastStepAt = -1;

  constructor(private readonly options: SimClusterOptions) {
    const { seed } = options;
    this.events = new EventLog(emptyClusterView(options.name ?? 'sim', 'production', SIM_TICK_MS), () => this.now, SCENARIO_HISTORY_LIMIT);
    ({ checker: this.checker, liveness: this.liveness } = clusterWatches(this.events, { electionTimeoutMs: ELECTION_TICKS * SIM_TICK_MS }));
    this.network = new NetworkModel(createPrng(deriveSeed(seed, 'net')));
    this.network.setDefaults({ latency: options.latencyMs ?? 0, jitter: options.jitterMs ?? 0 });
    const bugs = noBugs();
    for (const bug of options.bugs ?? []) bugs[bug] = true;
    this.switches = { preVote: options.preVote ?? true, checkQuorum: options.checkQuorum ?? true, forwardProposals: false, bugs };
    this.bus = new Bus<Message>(
      {
        now: () => this.now,
        deliver: (to, messages) => {
          const machine = this.machines.get(to);
          if (!machine?.running) return false;
          machine.deliver(messages);
          return true;
        },
        delivered: (to) => this.machines.get(to)?.flush(),
        isPaused: (node) => this.machines.get(node)?.paused ?? false,
        emit: (event) => this.emit(event),
      },
      (from, to, now) => this.network.route(from, to, now),
    );
    this.requests = new NodeRequests((node, request) => {
      const machine = this.machines.get(node);
      if (!machine?.running) return false;
      machine.client(request);
      return true;
    }, () => this.now);
    this.sinks = {
      emit: (event) => this.emit(event),
      observe: (observations) => this.checker.observe(observations),
      // The simulator runs only our own runtime, whose messages are the core's Message.
      send: (messages) => this.bus.send(messages as readonly Message[]),
      record: () => {}, // no direct lanes in the simulator: every message crosses the bus
      resolve: (requestId, outcome) => this.requests.resolve(requestId, outcome),
      persisted: () => {},
      // The loop reconciles the roster after every step (see step()).
      leaderReported: () => {},
    };
    this.gateway = new SimGateway(
      {
        leader: () => this.leader(),
        isRunning: (node) => this.isRunning(node),
        anyRunning: () => [...this.machines.values()].find((m) => m.running && !m.paused)?.id ?? null,
        waitForLeader: (deadline) => (this.runUntil(() => this.leader() !== null, deadline) ? this.leader() : null),
        waitForApplied: (node, index, deadline) => this.runUntil(() => appliedOn(this.events.view, node) >= index, deadline),
        ask: (node, request, timeoutMs) => this.await(this.requests.send(node, request, timeoutMs)),
        attemptTimeoutMs: () => this.attemptTimeoutMs(),
        emit: (event) => this.emit(event),
        now: () => this.now,
      },
      `lab-${deriveSeed(seed, 'client').toString(16).padStart(8, '0')}`,
    );
    this.roster = new Roster(Roster.initial(options.nodes), {
      leader: () => this.leader(),
      leaderConfig: () => this.leaderConfig(),
      hasHost: (node) => this.machines.has(node),
      startNode: (node, bootstrap) => this.startNode(node, bootstrap),
      dropNode: (node) => this.dropNode(node),
      sendChange: (leader, change, timeoutMs, done) => void this.requests.send(leader, { kind: 'conf-change', change }, timeoutMs, done),
      attemptTimeoutMs: () => this.attemptTimeoutMs(),
      retryIn: (delayMs) => void (this.rosterRetryAt ??= this.now + delayMs),
      saved: () => {}, // the simulated roster lives in memory only
      timeStopped: () => false, // virtual time never stands still while the loop runs
    });
    this.start();
  }

  // ── ScenarioTarget ────────────────────────────────────────────────────────────────────────────

  async execute(command: ClusterCommand): Promise<CommandResult> {
    try {
      const result = await runCommand(command, this.ports);
      // Every command's result is an object or nothing (command-results.ts), so it is the wire's record.
      return result === undefined ? { ok: true } : { ok: true, result: result as Readonly<Record<string, unknown>> };
    } catch (error) {
      if (error instanceof CommandError) return { ok: false, code: error.code, error: error.message };
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  view(): ClusterView {
    this.events.view.clock.now = this.now;
    return this.events.view;
  }

  history(): readonly ClusterEvent[] {
    return this.events.history;
  }

  waitUntil(ready: () => boolean, virtualMs: number): Promise<boolean> {
    return Promise.resolve(this.runUntil(ready, this.now + virtualMs));
  }

  // ── The loop ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Advances the simulation until `ready()` holds (true) or the virtual deadline passes (false).
   * `ready` is evaluated again only after an event: nothing it can see changes otherwise.
   */
  runUntil(ready: () => boolean, deadline: number): boolean {
    let seenSeq = -1;
    for (;;) {
      const seq = this.events.view.seq;
      if (seq !== seenSeq) {
        seenSeq = seq;
        if (ready()) return true;
      }
      if (this.now >= deadline) return false;
      this.step(deadline);
    }
  }

  /** One step: jump to the next thing due (tick, delivery, request deadline, retry) and do it. */
  private step(deadline: number): void {
    const next = Math.min(this.nextTickAt, this.bus.nextDueAt() ?? Infinity, this.requests.nextDeadline() ?? Infinity, this.rosterRetryAt ?? Infinity, deadline);
    if (next > this.now) this.now = next;
    if (this.now === this.lastStepAt) {
      if (++this.stepsThisInstant > MAX_STEPS_PER_INSTANT) throw new Error(`simulation livelock at ${this.now} virtual ms: messages keep flowing without time passing`);
    } else {
      this.lastStepAt = this.now;
      this.stepsThisInstant = 0;
    }
    if (this.now >= this.nextTickAt) {
      this.nextTickAt += SIM_TICK_MS;
      for (const machine of this.machines.values()) machine.tick();
      this.liveness.look(this.now);
    }
    this.bus.deliverDue(this.now);
    this.requests.expire(this.now);
    if (this.rosterRetryAt !== null && this.now >= this.rosterRetryAt) {
      this.rosterRetryAt = null;
      this.roster.retry();
    }
    // The real controller reconciles on every leader status report; this is as cheap when settled.
    this.roster.reconcile();
  }

  /** Waits (in virtual time) for a request's outcome; its own deadline bounds the wait. */
  private await(pending: PendingRequest): RequestOutcome {
    this.runUntil(() => pending.outcome !== null, pending.deadline);
    if (pending.outcome === null) this.requests.expire(this.now);
    return pending.outcome ?? { ok: false, code: 'unknown', error: `${pending.node} did not answer in time` };
  }

  private emit(event: UnstampedEvent): void {
    this.events.emit(event);
  }

  private start(): void {
    this.emit({ type: 'clock', clock: { now: 0, speed: this.options.speed ?? 1, paused: false } });
    this.emit({ type: 'network', network: networkView(this.network) });
    this.emit({ type: 'switches', switches: switchesView(this.switches) });
    const prepared = this.options.prepared;
    if (prepared && this.roster.startsFresh()) {
      const members = this.roster.members();
      members.forEach((id, i) => {
        const disk = new MemoryDisk();
        disk.persist(preparedBatch(members, i, prepared));
        this.preparedDisks.set(id, disk);
      });
      this.roster.markBootstrapped();
    }
    this.roster.startAll();
  }

  // ── Commands ──────────────────────────────────────────────────────────────────────────────────

  /** What each command means here, for the one command switch (shared/host/command-door.ts). */
  private readonly ports: ClusterPorts = {
    kill: (node) => {
      if (!this.machine(node).running) throw new CommandError('conflict', `${node} is already down`);
      this.killNode(node);
    },
    restart: (node) => {
      if (this.machine(node).running) throw new CommandError('conflict', `${node} is already running`);
      this.startNode(node, false);
    },
    pauseNode: (node) => {
      const machine = this.machine(node);
      if (!machine.running) throw new CommandError('conflict', `${node} is not running`);
      if (machine.paused) throw new CommandError('conflict', `${node} is already paused`);
      machine.paused = true;
      this.emit({ type: 'node-paused', node });
    },
    resumeNode: (node) => {
      const machine = this.machine(node);
      if (!machine.running || !machine.paused) throw new CommandError('conflict', `${node} is not paused`);
      machine.resume();
      this.emit({ type: 'node-resumed', node });
      this.bus.releaseParked(node);
    },
    wipeNode: (node) => {
      if (this.machine(node).running) this.killNode(node);
      this.wipe(node);
      this.startNode(node, false);
    },
    diskFault: (node, fault) => {
      const disk = this.machine(node).disk;
      if (fault.kind === 'corrupt') {
        const where = disk.corrupt(createPrng(deriveSeed(this.options.seed, `corrupt-${this.now}`)));
        if (where === null) throw new CommandError('conflict', `${node}'s log holds fewer than two synced records: there is no middle to corrupt yet`);
        this.emit({ type: 'node-disk-fault', node, fault: disk.fault });
        return { fault: disk.fault };
      }
      disk.setFault(fault);
      // Freeing space lets a Ready that waited for it through now, as the worker's request does.
      this.machine(node).flush();
      this.emit({ type: 'node-disk-fault', node, fault });
      return { fault };
    },
    powerCut: (node, at) => {
      if (at === 'next-sync') throw new CommandError('bad-request', 'not supported in the simulator: a power cut at the next sync');
      this.cutPower(node);
      return undefined;
    },
    // A power cut, as the lab's: every node stops and loses what it had not synced (those already
    // down too: their page cache goes with the power).
    powerLoss: () => {
      for (const id of this.nodeIds()) this.cutPower(id);
    },
    restartAll: () => {
      for (const id of this.nodeIds()) if (!this.isRunning(id)) this.startNode(id, false);
    },
    ask: (node, request) => this.ask(node, request),
    tearTail: (node) => this.tearTail(node),
    known: (node) => this.known(node),
    addNode: (learner) => this.roster.add(learner),
    removeNode: (node) => this.roster.remove(node),
    promote: (node) => this.roster.promote(node),
    changeMembership: (add, remove) => this.drive(changeMembership(this.planHost, this.roster, add, remove)),
    transferLeadership: (to) => {
      this.known(to);
      return this.drive(transferLeadership(this.planHost, to));
    },
    network: (command) => this.runNetwork(command),
    hold: (held) => this.bus.setHeld(held),
    step: () => this.bus.step()?.summary ?? null,
    ...lateBusAndGateway(() => this.bus, () => this.gateway),
    switches: (change) => this.setSwitches(change),
    snapshotSave: () => {
      const saved = this.saveSnapshot();
      this.savedSnapshot = saved;
      return { index: saved.index, term: saved.term, keys: saved.keys, bytes: saved.data.length };
    },
    snapshotRestore: () => {
      if (!this.savedSnapshot) throw new CommandError('conflict', 'no snapshot saved yet: save one first');
      return this.gateway.restore(this.savedSnapshot.data);
    },
    reset: () => this.reset(),
    // The lab clock (the simulator's time is virtual only), chaos and tours belong to the server.
  };

  /** One node's power cut: it stops (if it runs) and its disk keeps only what it had synced. */
  private cutPower(node: string): void {
    if (this.isRunning(node)) this.killNode(node, 'power-cut');
    else this.emit({ type: 'node-killed', node, reason: 'power-cut' });
    this.machine(node).disk.loseUnsynced();
  }

  /** Power off: the disk keeps what was persisted; what travelled to the node is lost with it. */
  private killNode(node: string, reason: 'killed' | 'power-cut' = 'killed'): void {
    this.machine(node).kill();
    this.emit({ type: 'node-killed', node, reason });
    this.nodeStopped(node);
  }

  /** A node that stopped (killed, or failed on its own): what was on its way to it is lost. */
  private nodeStopped(node: string): void {
    this.checker.crashed(node);
    this.bus.dropTo(node, `${node} is down`);
    this.requests.failNode(node, `${node} went down before answering`);
    // A failing disk's EIO fired and is spent: the page hears it is healthy again.
    const shown = this.events.view.nodes.find((view) => view.id === node)?.diskFault;
    const fault = this.machine(node).disk.fault;
    if (shown !== undefined && shown.kind !== fault.kind) this.emit({ type: 'node-disk-fault', node, fault });
  }

  private wipe(node: string): void {
    this.machine(node).disk = new MemoryDisk();
    this.checker.wiped(node);
    this.emit({ type: 'node-wiped', node });
  }

  private startNode(id: string, bootstrap: boolean): void {
    const machine = this.machine(id, true);
    this.emit({ type: 'node-starting', node: id });
    machine.start({
      id,
      // A fresh PRNG stream per boot, still determined by the seed.
      seed: seedFor(deriveSeed(this.options.seed, `boot-${this.boots++}`), id),
      timing: { electionTicks: ELECTION_TICKS, heartbeatTicks: HEARTBEAT_TICKS },
      ...(bootstrap ? { initialConfig: Roster.bootstrapConfig(id) } : {}),
      switches: this.switches,
      snapshotThreshold: this.options.snapshotThreshold ?? 1000,
      snapshotTrailing: Math.min(50, Math.floor((this.options.snapshotThreshold ?? 1000) / 4)),
      ...(this.options.maxEntriesPerMessage !== undefined ? { maxEntriesPerMessage: this.options.maxEntriesPerMessage } : {}),
    });
  }

  /** A removed node: stop it, delete its data, forget it. */
  private dropNode(node: string): void {
    const machine = this.machines.get(node);
    if (!machine) return;
    if (machine.running) this.killNode(node);
    this.machines.delete(node);
    this.checker.wiped(node);
    this.bus.dropTo(node, `${node} was removed`);
    this.emit({ type: 'node-removed', node });
  }

  /** Destroys every node's data and starts over: n1 bootstraps alone again and the others join. */
  private reset(): void {
    for (const id of this.nodeIds()) if (this.isRunning(id)) this.killNode(id);
    for (const id of this.nodeIds()) this.wipe(id);
    this.roster.restartFromNothing();
    this.roster.startAll();
  }

  /** Half a record at the end of a stopped node's log, as a power cut mid-write leaves. */
  private tearTail(node: string): CommandResults['tear-tail'] {
    const machine = this.machine(node);
    if (machine.running) throw new CommandError('conflict', `${node} is running: kill it first (a torn write happens when power is cut)`);
    if (machine.disk.records === 0) throw new CommandError('conflict', `${node} has no write-ahead log yet`);
    machine.disk.tornTail = true;
    return { segment: 'wal (in memory)', bytes: 11 };
  }

  private setSwitches(change: Extract<Command, { type: 'switches' }>): CommandResults['switches'] {
    this.switches = mergeSwitches(this.switches, change);
    this.drive(pushSwitches(this.nodeIds().filter((id) => this.isRunning(id)), this.switches, this.attemptTimeoutMs()));
    this.emit({ type: 'switches', switches: switchesView(this.switches) });
    return { switches: switchesView(this.switches) };
  }

  private saveSnapshot(): SnapshotImage {
    const image = this.drive(leaderImage(this.planHost));
    KvStore.restore(image.data); // the image must read back, as the real lab validates before a restore
    return image;
  }

  private readonly planHost: PlanHost = { leader: () => this.leader(), attemptTimeoutMs: () => this.attemptTimeoutMs(), deadlineNow: () => this.now };

  /** Carries out a plan (shared/host/cluster-plans.ts) at once: asking or waiting runs the loop in
   *  virtual time until the answer or the deadline. */
  private drive<T>(plan: ClusterPlan<T>): T {
    let step = plan.next();
    while (!step.done) step = plan.next(this.doStep(step.value));
    return step.value;
  }

  private doStep(step: ClusterStep): unknown {
    if ('ask' in step) return this.await(this.requests.send(step.ask, step.request, step.timeoutMs));
    if ('askEach' in step) {
      // Sent together, then awaited: the nodes answer in the same stretch of virtual time.
      const asked = step.askEach.map((node) => this.requests.send(node, step.request, step.timeoutMs));
      return asked.map((pending) => this.await(pending));
    }
    return this.runUntil(step.until, step.deadline);
  }

  private runNetwork(command: NetworkCommand): CommandResults['network'] {
    runNetworkCommand(this.network, command, this.nodeIds(), this.leader());
    const network = networkView(this.network);
    this.emit({ type: 'network', network });
    return { network };
  }

  /** Asks one node and returns its answer, or throws the error it gave (codes as the server's). */
  private ask<R extends NodeRequest>(node: string, request: R): AnswerTo<R> {
    if (!this.machine(node).running) throw new CommandError('conflict', `${node} is not running`);
    return answerTo(request, this.await(this.requests.send(node, request, this.attemptTimeoutMs())));
  }

  // ── Lookups ───────────────────────────────────────────────────────────────────────────────────

  /** The node the cluster follows: a live leader of the highest term (as the real cluster's). */
  leader(): string | null {
    return leaderOf(this.events.view);
  }

  private leaderConfig(): MembershipConfig | null {
    return leaderConfigOf(this.events.view);
  }

  /**
   * Virtual milliseconds one client attempt waits: the real cluster waits four election timeouts
   * of virtual time and at least 2 s of real time, which is 2 s × speed of virtual time.
   */
  attemptTimeoutMs(): number {
    return Math.max(2000 * (this.options.speed ?? 1), 4 * ELECTION_TICKS * SIM_TICK_MS);
  }

  nodeIds(): string[] {
    return [...this.machines.keys()].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  private isRunning(node: string): boolean {
    return this.machines.get(node)?.running ?? false;
  }

  private machine(node: string, create = false): SimNode {
    let machine = this.machines.get(node);
    if (!machine && create) {
      machine = new SimNode(node, {
        report: (id, report) => foldReport(id, report, this.sinks),
        stopped: (id) => this.nodeStopped(id),
        now: () => this.now,
      });
      const prepared = this.preparedDisks.get(node);
      if (prepared) machine.disk = prepared;
      this.preparedDisks.delete(node);
      this.machines.set(node, machine);
      this.emit({ type: 'node-added', node });
    }
    if (!machine) throw new CommandError('not-found', `cluster ${this.events.view.name} has no node ${node}`);
    return machine;
  }

  private known(node: string): string {
    return this.machine(node).id;
  }
}
