// The fault schedule: each tick, draws from the fault stream decide whether to crash or restart a
// node, cut links, partition, change loss/duplication/reordering, or move leadership. Heals are
// scheduled when a fault starts, so every fault is temporary. Every fault is fired as data
// (fault-actions.ts) and kept in `script`, so a run's faults can be replayed without the stream
// (ScriptedFaults) and a failing seed's schedule shrunk (shrink-schedule.ts).
import { randomInt, type NetworkModel, type Prng } from '../net/index.ts';
import type { ConfChangeSingle } from '../raft/index.ts';
import type { SeedCluster } from './seed-cluster.ts';
import type { FaultProfile } from './options.ts';
import { describeAction, perform, type FaultAction, type FaultCounts, type FaultStep } from './fault-actions.ts';

interface Scheduled {
  readonly at: number;
  readonly fault: number;
  readonly actions: () => readonly FaultAction[];
}

/** What the simulator asks of a schedule, random or scripted. */
export interface Faults {
  tick(tick: number): void;
  /** Called on every applied entry: a leader applying an earlier term's entry may crash now. */
  afterApply(node: string, entryTerm: number, tick: number): void;
  /** Liveness phase: every fault ends now and the network is calm. */
  healAll(tick: number): void;
  /** Each liveness tick: a node whose disk was corrupted is still removed and given a new one. */
  repairTick(tick: number): void;
  readonly log: readonly string[];
  readonly counts: Readonly<FaultCounts>;
  /** Every action that took effect, in order. */
  readonly script: readonly FaultStep[];
}

/** Fires actions: performs, logs and records each one that took effect. */
abstract class FiringSchedule implements Faults {
  readonly log: string[] = [];
  /** Network faults that fired (node faults are counted by the nodes themselves). */
  readonly counts: FaultCounts = { partitions: 0, linkCuts: 0, diskSlow: 0, diskFailing: 0, diskFull: 0, diskCorrupt: 0, disksReplaced: 0 };
  readonly script: FaultStep[] = [];
  protected active = true;

  constructor(
    protected readonly cluster: SeedCluster,
    protected readonly net: NetworkModel,
  ) {}

  abstract tick(tick: number): void;
  abstract afterApply(node: string, entryTerm: number, tick: number): void;
  abstract repairTick(tick: number): void;

  healAll(tick: number): void {
    this.active = false;
    this.net.reset();
    this.net.setDefaults(CALM_LINK);
    for (const node of this.cluster.ids) {
      this.cluster.planCrash(node, null);
      this.cluster.setDiskFault(node, { kind: 'none' });
      this.cluster.start(node);
    }
    this.log.push(`${tick}: heal everything, restart every node`);
  }

  protected fire(tick: number, phase: FaultStep['phase'], fault: number, action: FaultAction, note = ''): boolean {
    if (!perform(action, this.cluster, this.net, this.counts)) return false;
    this.script.push({ tick, phase, fault, action });
    this.log.push(`${tick}: ${describeAction(action)}${note}`);
    return true;
  }
}

/** The random schedule of a seed. */
export class FaultSchedule extends FiringSchedule {
  private scheduled: Scheduled[] = [];
  private nextFault = 1;
  /** A node whose disk was corrupted, until it has a new one: out of the configuration first. */
  private repair: { readonly node: string; readonly fault: number; nextTry: number } | null = null;

  constructor(
    private readonly rng: Prng,
    private readonly profile: FaultProfile,
    cluster: SeedCluster,
    net: NetworkModel,
  ) {
    super(cluster, net);
  }

  tick(tick: number): void {
    const due = this.scheduled.length === 0 ? [] : this.scheduled.filter((s) => s.at <= tick);
    if (due.length > 0) {
      this.scheduled = this.scheduled.filter((s) => s.at > tick);
      for (const s of due) for (const action of s.actions()) this.fire(tick, 'tick', s.fault, action);
    }
    this.repairTick(tick);
    const p = this.profile;
    // Seven draws every tick, in a fixed order; a fault's own choices come after. (The stream still
    // shifts once a fault fires, which is fine: the seed fixes everything.)
    const rng = this.rng;
    if (rng() < p.crash) this.crashOne(tick);
    if (rng() < p.partition) this.partition(tick);
    if (rng() < p.isolateLeader) this.isolateLeader(tick);
    if (rng() < p.cutLink) this.cutLink(tick);
    if (rng() < p.networkChange) this.changeNetwork(tick);
    if (rng() < p.transfer) this.transfer(tick);
    if (rng() < p.membership) this.changeMembership(tick);
    if (rng() < p.crashLeader) {
      const leader = this.cluster.leader();
      if (leader !== null) this.crashOne(tick, leader);
    }
    // Drawn only when the run draws disk faults, so every other run's stream is what it was.
    if (p.diskSlow + p.diskFailing + p.diskFull + p.diskCorrupt > 0) {
      if (rng() < p.diskSlow) this.diskFault(tick, { kind: 'slow', p50Ms: randomInt(rng, 5, 40), p99Ms: randomInt(rng, 50, 400) });
      if (rng() < p.diskFailing) this.diskFault(tick, { kind: 'failing', on: rng() < 0.8 ? 'sync' : 'write' });
      if (rng() < p.diskFull) this.diskFault(tick, { kind: 'full' });
      if (rng() < p.diskCorrupt && tick < p.corruptUntil) this.corruptOne(tick);
    }
  }

  /**
   * A bit flips mid-log on a follower voter's disk, and the node crashes: its restart is refused
   * (the log is damaged, never skipped). It comes back the way an operator brings back a node whose
   * disk is lost: removed from the configuration through the leader, then a new, empty disk, then
   * (perhaps) added again by a later membership change. Only with at least four voters, so three
   * remain; one repair at a time.
   */
  private corruptOne(tick: number): void {
    const cluster = this.cluster;
    const leader = cluster.leader();
    const config = cluster.leaderConfig();
    if (this.repair !== null || leader === null || config === null || config.votersOutgoing.length > 0 || config.voters.length < 4) return;
    const candidates = config.voters.filter((id) => id !== leader && cluster.isUp(id) && !cluster.crashPlanned(id));
    if (candidates.length === 0) return;
    const node = candidates[randomInt(this.rng, 0, candidates.length - 1)]!;
    const fault = this.nextFault++;
    if (!this.fire(tick, 'tick', fault, { type: 'corrupt', node, pick: this.rng() })) return;
    this.fire(tick, 'tick', fault, { type: 'crash', node });
    const restartAt = tick + randomInt(this.rng, ...this.profile.restartAfter);
    this.at(restartAt, fault, () => [{ type: 'restart', node }]);
    this.repair = { node, fault, nextTry: restartAt + 1 };
  }

  /** Out of the configuration first (asked again while it is not), then a new disk and a restart. */
  private repairCorrupted(tick: number, repair: { readonly node: string; readonly fault: number; nextTry: number }): void {
    const cluster = this.cluster;
    const leader = cluster.leader();
    const config = cluster.leaderConfig();
    if (cluster.isUp(repair.node)) return void (this.repair = null); // the damage went with a compacted segment
    if (leader === null || config === null) return void (repair.nextTry = tick + 10);
    if ([...config.voters, ...config.learners, ...config.votersOutgoing].includes(repair.node)) {
      if (config.votersOutgoing.length === 0) this.fire(tick, 'tick', repair.fault, { type: 'membership', leader, changes: [{ op: 'remove-voter', node: repair.node }] });
      repair.nextTry = tick + 30;
      return;
    }
    if (!this.fire(tick, 'tick', repair.fault, { type: 'replace-disk', node: repair.node })) return void (repair.nextTry = tick + 10);
    this.fire(tick, 'tick', repair.fault, { type: 'restart', node: repair.node });
    this.repair = null;
  }

  /**
   * One running node's disk turns bad, and is made good again later: a slow or full disk after a
   * while (free space: the node resumes without a restart); a failing disk stops its node at its
   * next sync, and the node is restarted later from what it had synced.
   */
  private diskFault(tick: number, fault: Extract<FaultAction, { type: 'disk-fault' }>['fault']): void {
    const cluster = this.cluster;
    const healthy = cluster.ids.filter((id) => cluster.isUp(id) && !cluster.crashPlanned(id) && cluster.diskFault(id).kind === 'none');
    if (healthy.length === 0) return;
    const node = healthy[randomInt(this.rng, 0, healthy.length - 1)]!;
    const id = this.nextFault++;
    if (!this.fire(tick, 'tick', id, { type: 'disk-fault', node, fault })) return;
    const [min, max] = fault.kind === 'failing' ? this.profile.restartAfter : this.profile.diskFaultFor;
    this.at(tick + randomInt(this.rng, min, max), id, () => [{ type: 'disk-fault', node, fault: { kind: 'none' } }, { type: 'restart', node }]);
  }

  afterApply(node: string, entryTerm: number, tick: number): void {
    const { role, term } = this.cluster.roleOf(node);
    if (!this.active || role !== 'leader' || entryTerm >= term || !this.cluster.isUp(node)) return;
    if (this.rng() >= this.profile.crashAfterOldTermCommit) return;
    const fault = this.nextFault++;
    this.fire(tick, 'apply', fault, { type: 'crash', node }, ` (the leader, right after it applied an entry of term ${entryTerm})`);
    this.at(tick + randomInt(this.rng, ...this.profile.restartAfter), fault, () => [{ type: 'restart', node }]);
  }

  override healAll(tick: number): void {
    this.scheduled = [];
    super.healAll(tick);
  }

  repairTick(tick: number): void {
    if (this.repair !== null && tick >= this.repair.nextTry) this.repairCorrupted(tick, this.repair);
  }

  private crashOne(tick: number, chosen?: string): void {
    const cluster = this.cluster;
    const up = cluster.ids.filter((id) => cluster.isUp(id) && !cluster.crashPlanned(id));
    if (up.length === 0) return;
    const node = chosen ?? up[randomInt(this.rng, 0, up.length - 1)]!;
    const inReady = this.rng() < this.profile.crashInReady;
    const [min, max] = this.profile.restartAfter;
    const downFor = randomInt(this.rng, min, max);
    const fault = this.nextFault++;
    if (inReady) this.fire(tick, 'tick', fault, { type: 'plan-crash', node, point: this.rng() < 0.8 ? 'before-persist' : 'after-persist' });
    else this.fire(tick, 'tick', fault, { type: 'crash', node });
    this.at(tick + downFor, fault, () => [{ type: 'crash-if-planned', node }, { type: 'restart', node }]);
  }

  private partition(tick: number): void {
    const ids = this.shuffledIds();
    const cut = randomInt(this.rng, 1, ids.length - 1);
    const fault = this.nextFault++;
    this.fire(tick, 'tick', fault, { type: 'partition', groups: [ids.slice(0, cut), ids.slice(cut)] });
    this.healPartitionLater(tick, fault);
  }

  private isolateLeader(tick: number): void {
    const leader = this.cluster.leader();
    if (leader === null) return;
    const fault = this.nextFault++;
    this.fire(tick, 'tick', fault, { type: 'isolate', node: leader });
    this.healPartitionLater(tick, fault);
  }

  private healPartitionLater(tick: number, fault: number): void {
    const [min, max] = this.profile.partitionFor;
    this.at(tick + randomInt(this.rng, min, max), fault, () => [{ type: 'heal-partition' }]);
  }

  private cutLink(tick: number): void {
    const [from, to] = this.shuffledIds();
    if (from === undefined || to === undefined) return;
    const direction = this.rng() < 0.5 ? 'one-way' : 'both';
    const fault = this.nextFault++;
    this.fire(tick, 'tick', fault, { type: 'cut', from, to, direction });
    this.at(tick + randomInt(this.rng, ...this.profile.partitionFor), fault, () => [{ type: 'uncut', from, to, direction }]);
  }

  private changeNetwork(tick: number): void {
    const p = this.profile;
    const fault = this.nextFault++;
    this.fire(tick, 'tick', fault, { type: 'network', loss: this.rng() * p.maxLoss, duplicate: this.rng() * p.maxDuplicate, reorder: this.rng() * p.maxReorder });
    this.at(tick + randomInt(this.rng, 50, 300), fault, () => [{ type: 'network', loss: 0, duplicate: 0, reorder: 0 }]);
  }

  private transfer(tick: number): void {
    const leader = this.cluster.leader();
    const others = this.cluster.ids.filter((id) => id !== leader && this.cluster.isUp(id));
    if (leader === null || others.length === 0) return;
    const to = others[randomInt(this.rng, 0, others.length - 1)]!;
    this.fire(tick, 'tick', this.nextFault++, { type: 'transfer', from: leader, to });
  }

  /**
   * Membership changes through the leader: remove a voter (keeping at least three), add a node
   * back as voter or learner, promote a learner, or two changes at once (joint consensus).
   * Removed nodes keep running, as a decommissioned server might.
   */
  private changeMembership(tick: number): void {
    const leader = this.cluster.leader();
    const config = this.cluster.leaderConfig();
    if (leader === null || config === null) return;
    if (config.votersOutgoing.length > 0) return;
    const pick = <T>(items: readonly T[]): T | undefined => (items.length === 0 ? undefined : items[randomInt(this.rng, 0, items.length - 1)]);
    // A node waiting for a new disk (its log is corrupt) is not added back until it has one.
    const outsiders = this.cluster.ids.filter((id) => !config.voters.includes(id) && !config.learners.includes(id) && id !== this.repair?.node);
    const changes: ConfChangeSingle[] = [];
    const r = this.rng();
    const outsider = pick(outsiders);
    const learner = pick(config.learners);
    const voter = config.voters.length > 3 ? pick(config.voters) : undefined;
    if (r < 0.35 && outsider !== undefined) changes.push({ op: this.rng() < 0.6 ? 'add-voter' : 'add-learner', node: outsider });
    else if (r < 0.55 && learner !== undefined) changes.push({ op: 'promote-learner', node: learner });
    else if (r < 0.85 && voter !== undefined) changes.push({ op: 'remove-voter', node: voter });
    else if (voter !== undefined && outsider !== undefined) changes.push({ op: 'remove-voter', node: voter }, { op: 'add-voter', node: outsider });
    if (changes.length === 0) return;
    this.fire(tick, 'tick', this.nextFault++, { type: 'membership', leader, changes });
  }

  private shuffledIds(): string[] {
    const ids = [...this.cluster.ids];
    for (let i = ids.length - 1; i > 0; i--) {
      const j = randomInt(this.rng, 0, i);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    return ids;
  }

  private at(tick: number, fault: number, actions: () => readonly FaultAction[]): void {
    this.scheduled.push({ at: tick, fault, actions });
  }
}

/** A recorded schedule played back as it was fired (or with some faults left out), no stream needed. */
export class ScriptedFaults extends FiringSchedule {
  private next = 0;
  private readonly pendingApply: FaultStep[] = [];

  constructor(
    private readonly steps: readonly FaultStep[],
    cluster: SeedCluster,
    net: NetworkModel,
  ) {
    super(cluster, net);
  }

  tick(tick: number): void {
    // Apply-phase steps of an earlier tick that found no matching apply are given up.
    this.pendingApply.length = 0;
    while (this.next < this.steps.length && this.steps[this.next]!.tick <= tick) {
      const step = this.steps[this.next++]!;
      if (step.tick < tick) continue;
      if (step.phase === 'apply') this.pendingApply.push(step);
      else this.fire(tick, 'tick', step.fault, step.action);
    }
  }

  /** Steps recorded after the heal (a corrupted node's repair) fire at their ticks as before. */
  repairTick(tick: number): void {
    while (this.next < this.steps.length && this.steps[this.next]!.tick <= tick) {
      const step = this.steps[this.next++]!;
      if (step.tick === tick && step.phase === 'tick') this.fire(tick, 'tick', step.fault, step.action);
    }
  }

  afterApply(node: string, _entryTerm: number, tick: number): void {
    if (!this.active) return;
    const at = this.pendingApply.findIndex((step) => step.tick === tick && step.action.type === 'crash' && step.action.node === node);
    if (at === -1) return;
    const [step] = this.pendingApply.splice(at, 1);
    this.fire(tick, 'apply', step!.fault, step!.action);
  }
}

export const CALM_LINK = { latency: 3, jitter: 6, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 40 };
