// One cluster: its nodes' workers, the bus between them, the lab clock, and the event stream.
// Every control action arrives here as a typed Command (from REST or the WebSocket alike).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeCommand } from '../../shared/kv/commands.ts';
import { describeMessage, type Message } from '../../shared/raft/index.ts';
import type { MessageBase } from '../../shared/raft/types.ts';
import { CommandError, type Command, type CommandResult } from '../../shared/protocol/commands.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { emptyNodeView } from '../../shared/protocol/reduce-view.ts';
import { NetworkModel, createPrng } from '../../shared/net/index.ts';
import { Bus } from './bus.ts';
import { EventLog } from './event-log.ts';
import { LabClock } from './lab-clock.ts';
import { NodeHost } from './node-host.ts';
import { PROFILES, type Profile, type ProfileName } from './profiles.ts';
import { Scheduler } from './scheduler.ts';
import type { ClientOutcome, ClientRequest, FromWorker } from './worker-protocol.ts';

export interface ClusterOptions {
  readonly name: string;
  readonly nodes: number;
  /** The server's data directory; this cluster lives in <dataDir>/<name>/. */
  readonly dataDir: string;
  readonly profile: ProfileName;
}

type Outcome = ClientOutcome | { readonly ok: false; readonly code: 'unknown'; readonly error: string };

interface WaitingRequest {
  readonly node: string;
  readonly resolve: (outcome: Outcome) => void;
}

export class Cluster {
  readonly name: string;
  readonly profile: Profile;
  readonly dir: string;
  readonly clock: LabClock;
  readonly bus: Bus;
  /** Links, partitions, latency, loss, duplication, reordering: the simulator's own model. */
  readonly network: NetworkModel;
  readonly events: EventLog;
  private readonly scheduler: Scheduler;
  private readonly hosts = new Map<string, NodeHost>();
  private readonly incarnations = new Map<string, number>();
  private readonly waiting = new Map<number, WaitingRequest>();
  private nextRequestId = 1;
  /** The lab's own client session: retries of one write reuse its sequence number. */
  private readonly clientId = `lab-${randomBytes(4).toString('hex')}`;
  private clientSeq = 0;

  constructor(options: ClusterOptions) {
    this.name = options.name;
    this.profile = PROFILES[options.profile];
    this.dir = join(options.dataDir, options.name);
    this.clock = new LabClock(this.profile.speed);
    const view: ClusterView = {
      name: this.name,
      profile: this.profile.name,
      seq: 0,
      clock: this.clock.state(),
      nodes: [],
      inFlight: [],
    };
    this.events = new EventLog(view, () => this.clock.now());
    this.network = new NetworkModel(createPrng(randomBytes(4).readUInt32LE(0)));
    this.network.setDefaults({ latency: this.profile.latencyMs, jitter: this.profile.jitterMs });
    this.bus = new Bus(
      {
        now: () => this.clock.now(),
        deliver: (to, message) => this.hosts.get(to)?.post({ type: 'deliver', message }) ?? false,
        emit: (event) => this.events.emit(event),
        wake: () => this.scheduler.wake(),
        describe: (message) => describeMessage(message as Message),
      },
      (from, to, now) => this.network.route(from, to, now),
    );
    this.scheduler = new Scheduler(this.clock, this.profile.tickMs, {
      tick: (ticks) => {
        for (const host of this.hosts.values()) host.post({ type: 'tick', ticks });
      },
      deliverDue: (now) => this.bus.deliverDue(now),
      nextDeliveryAt: () => this.bus.nextDueAt(),
    });
    for (let i = 1; i <= options.nodes; i++) {
      const id = `n${i}`;
      this.hosts.set(id, new NodeHost(id, { onReport: (node, message) => this.onReport(node, message), onExit: (node, expected, error) => this.onExit(node, expected, error) }));
      view.nodes.push(emptyNodeView(id));
    }
  }

  get view(): ClusterView {
    this.events.view.clock = this.clock.state();
    return this.events.view;
  }

  nodeIds(): string[] {
    return [...this.hosts.keys()];
  }

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const id of this.hosts.keys()) this.startNode(id);
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await Promise.all([...this.hosts.values()].map((host) => host.kill()));
  }

  /** The one entry point for control: REST and WebSocket commands both land here. */
  async execute(command: Command): Promise<CommandResult> {
    try {
      switch (command.type) {
        case 'kill':
          await this.kill(command.node);
          return { ok: true };
        case 'restart':
          this.restart(command.node);
          return { ok: true };
        case 'put':
          return { ok: true, result: await this.put(command.key, command.value, command.node) };
        case 'clock':
          this.setClock(command.speed, command.paused);
          return { ok: true, result: { ...this.clock.state() } };
      }
    } catch (error) {
      if (error instanceof CommandError) return { ok: false, code: error.code, error: error.message };
      throw error;
    }
  }

  /** The node the cluster currently follows: a live leader of the highest term. */
  leader(): string | null {
    let best: { id: string; term: number } | null = null;
    for (const node of this.events.view.nodes) {
      if (node.life === 'alive' && node.role === 'leader' && (!best || node.term > best.term)) best = { id: node.id, term: node.term };
    }
    return best?.id ?? null;
  }

  async kill(node: string): Promise<void> {
    const host = this.host(node);
    if (!host.running) throw new CommandError('conflict', `${node} is already down`);
    await host.kill();
  }

  restart(node: string): void {
    const host = this.host(node);
    if (host.running) throw new CommandError('conflict', `${node} is already running`);
    this.startNode(node);
  }

  setClock(speed: number | undefined, paused: boolean | undefined): void {
    if (speed !== undefined) this.clock.setSpeed(speed);
    if (paused === true) this.clock.pause();
    if (paused === false) this.clock.resume();
    this.scheduler.clockChanged();
    this.events.emit({ type: 'clock', clock: this.clock.state() });
  }

  /** A client write: to `preferred` if given (a follower forwards to its leader), else the leader. */
  async put(key: string, value: string, preferred?: string): Promise<Record<string, unknown>> {
    if (preferred) this.host(preferred);
    const command = encodeCommand({ op: 'put', key, data: { value }, client: this.clientId, seq: ++this.clientSeq, time: Date.now() });
    const shown = `put ${key} = ${value.length > 60 ? `${value.slice(0, 57)}...` : value}`;
    try {
      const result = await this.propose(command, preferred);
      const node = typeof result['node'] === 'string' ? result['node'] : null;
      this.events.emit({ type: 'client-op', op: 'put', key, node, outcome: 'ok', detail: `${shown}: committed at index ${String(result['index'])}` });
      return result;
    } catch (error) {
      if (error instanceof CommandError) {
        const outcome = error.code === 'timeout' ? 'unknown' : 'failed';
        this.events.emit({ type: 'client-op', op: 'put', key, node: preferred ?? null, outcome, detail: `${shown}: ${error.message}` });
      }
      throw error;
    }
  }

  /** Real milliseconds one attempt waits: two election timeouts of virtual time. */
  private attemptTimeoutMs(): number {
    const virtual = 2 * this.profile.electionTicks * this.profile.tickMs * 2;
    return Math.max(500, virtual / this.clock.speed);
  }

  private async propose(command: string, preferred: string | undefined): Promise<Record<string, unknown>> {
    const attempts = 4;
    let target: string | null = preferred ?? this.leader();
    let uncertain = false;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const deadline = performance.now() + this.attemptTimeoutMs();
      if (!target || !this.hosts.get(target)?.running) target = await this.waitForLeader(deadline);
      if (!target) continue;
      const outcome = await this.request(target, { kind: 'propose', requestId: 0, command }, deadline);
      if (outcome.ok) return { ...outcome.value, node: target };
      switch (outcome.code) {
        case 'not-leader':
          // Forward to the leader the node named, as a Vault follower does.
          target = outcome.leader;
          continue;
        case 'unknown':
          uncertain = true;
          target = null;
          continue;
        case 'lost':
          target = null;
          continue;
        case 'conflict':
          throw new CommandError('conflict', outcome.error);
        default:
          throw new CommandError('bad-request', outcome.error);
      }
    }
    if (uncertain) {
      throw new CommandError('timeout', 'no answer in time: the write may or may not have been applied (retrying with the same client session is safe)');
    }
    throw new CommandError('no-leader', 'no leader could be reached: the cluster has no quorum or is still electing');
  }

  private request(node: string, request: ClientRequest, deadline: number): Promise<Outcome> {
    const requestId = this.nextRequestId++;
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => finish({ ok: false, code: 'unknown', error: `${node} did not answer in time` }), Math.max(0, deadline - performance.now()));
      const finish = (outcome: Outcome): void => {
        clearTimeout(timer);
        this.waiting.delete(requestId);
        resolve(outcome);
      };
      this.waiting.set(requestId, { node, resolve: finish });
      const sent = this.hosts.get(node)?.post({ type: 'client', request: { ...request, requestId } });
      if (!sent) finish({ ok: false, code: 'unknown', error: `${node} is down` });
    });
  }

  private waitForLeader(deadline: number): Promise<string | null> {
    const now = this.leader();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), Math.max(0, deadline - performance.now()));
      const unsubscribe = this.events.subscribe(() => {
        const leader = this.leader();
        if (leader) done(leader);
      });
      const done = (leader: string | null): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(leader);
      };
    });
  }

  private host(node: string): NodeHost {
    const host = this.hosts.get(node);
    if (!host) throw new CommandError('not-found', `cluster ${this.name} has no node ${node}`);
    return host;
  }

  private startNode(id: string): void {
    const incarnation = (this.incarnations.get(id) ?? 0) + 1;
    this.incarnations.set(id, incarnation);
    this.events.emit({ type: 'node-starting', node: id });
    this.host(id).start({
      id,
      dir: join(this.dir, id),
      timing: { electionTicks: this.profile.electionTicks, heartbeatTicks: this.profile.heartbeatTicks },
      initialConfig: { voters: this.nodeIds(), learners: [], votersOutgoing: [] },
      seed: randomBytes(4).readUInt32LE(0),
    });
  }

  private onReport(node: string, report: FromWorker): void {
    switch (report.type) {
      case 'recovered':
        this.events.emit({ type: 'node-recovered', node, log: [...report.log], term: report.term, vote: report.vote, tornTail: report.tornTail });
        this.events.emit({ type: 'node-status', node, status: report.status });
        return;
      case 'fatal':
        this.events.emit({ type: 'node-killed', node, reason: `crashed: ${report.error.split('\n')[0]}` });
        return;
      case 'ready':
        if (report.truncatedFrom !== undefined) this.events.emit({ type: 'log-truncated', node, fromIndex: report.truncatedFrom });
        if (report.appended.length > 0) this.events.emit({ type: 'log-appended', node, entries: [...report.appended] });
        for (const applied of report.applied) this.events.emit({ type: 'kv-applied', node, ...applied });
        if (report.status) this.events.emit({ type: 'node-status', node, status: report.status });
        if (report.messages.length > 0) this.bus.send(report.messages as readonly MessageBase[]);
        for (const { requestId, outcome } of report.outcomes) this.waiting.get(requestId)?.resolve(outcome);
        return;
    }
  }

  private onExit(node: string, expected: boolean, error: string | null): void {
    if (expected || this.events.view.nodes.find((n) => n.id === node)?.life !== 'dead') {
      this.events.emit({ type: 'node-killed', node, reason: expected ? 'killed' : `crashed: ${error ?? 'unknown'}` });
    }
    this.bus.dropTo(node, `${node} is down`);
    for (const request of [...this.waiting.values()]) {
      if (request.node === node) request.resolve({ ok: false, code: 'unknown', error: `${node} went down before answering` });
    }
  }
}
