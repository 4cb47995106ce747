// The fault schedule: each tick, draws from the fault stream decide whether to crash or restart a
// node, cut links, partition, change loss/duplication/reordering, or move leadership. Heals are
// scheduled when a fault starts, so every fault is temporary.
import { randomInt, type NetworkModel, type Prng } from '../net/index.ts';
import type { ConfChangeSingle } from '../raft/index.ts';
import type { SeedCluster } from './seed-cluster.ts';
import type { FaultProfile } from './options.ts';

interface Scheduled {
  readonly at: number;
  readonly run: () => void;
}

export class FaultSchedule {
  private scheduled: Scheduled[] = [];
  /** False once the liveness phase began. */
  private active = true;
  /** Human-readable record of what happened, for a failing seed's report. */
  readonly log: string[] = [];
  /** Network faults that fired (node faults are counted by the nodes themselves). */
  readonly counts = { partitions: 0, linkCuts: 0 };

  constructor(
    private readonly rng: Prng,
    private readonly profile: FaultProfile,
    private readonly cluster: SeedCluster,
    private readonly net: NetworkModel,
  ) {}

  tick(tick: number): void {
    const due = this.scheduled.length === 0 ? [] : this.scheduled.filter((s) => s.at <= tick);
    if (due.length > 0) {
      this.scheduled = this.scheduled.filter((s) => s.at > tick);
      for (const s of due) s.run();
    }
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
  }

  /** Called on every applied entry: a leader applying an earlier term's entry may crash now. */
  afterApply(node: string, entryTerm: number, tick: number): void {
    const { role, term } = this.cluster.roleOf(node);
    if (!this.active || role !== 'leader' || entryTerm >= term || !this.cluster.isUp(node)) return;
    if (this.rng() >= this.profile.crashAfterOldTermCommit) return;
    this.cluster.crash(node);
    const back = tick + randomInt(this.rng, ...this.profile.restartAfter);
    this.log.push(`${tick}: crash leader ${node} right after it applied an entry of term ${entryTerm}`);
    this.at(back, () => this.cluster.start(node));
  }

  /** Liveness phase: every fault ends now and the network is calm. */
  healAll(tick: number): void {
    this.active = false;
    this.scheduled = [];
    this.net.reset();
    this.net.setDefaults(CALM_LINK);
    for (const node of this.cluster.ids) {
      this.cluster.planCrash(node, null);
      this.cluster.start(node);
    }
    this.log.push(`${tick}: heal everything, restart every node`);
  }

  private crashOne(tick: number, chosen?: string): void {
    const cluster = this.cluster;
    const up = cluster.ids.filter((id) => cluster.isUp(id) && !cluster.crashPlanned(id));
    if (up.length === 0) return;
    const node = chosen ?? up[randomInt(this.rng, 0, up.length - 1)]!;
    const inReady = this.rng() < this.profile.crashInReady;
    const [min, max] = this.profile.restartAfter;
    const downFor = randomInt(this.rng, min, max);
    if (inReady) {
      const point = this.rng() < 0.8 ? 'before-persist' : 'after-persist';
      cluster.planCrash(node, point);
      this.log.push(`${tick}: ${node} will crash at its next persist (${point})`);
    } else {
      cluster.crash(node);
      this.log.push(`${tick}: crash ${node}`);
    }
    this.at(tick + downFor, () => {
      if (cluster.isUp(node) && cluster.crashPlanned(node)) {
        cluster.planCrash(node, null);
        cluster.crash(node); // it persisted nothing since: crash it now
      }
      if (!cluster.isUp(node)) {
        cluster.start(node);
        this.log.push(`${tick + downFor}: restart ${node}`);
      }
    });
  }

  private partition(tick: number): void {
    const ids = this.shuffledIds();
    const cut = randomInt(this.rng, 1, ids.length - 1);
    this.net.partition([ids.slice(0, cut), ids.slice(cut)]);
    this.counts.partitions++;
    this.log.push(`${tick}: partition ${ids.slice(0, cut).join(',')} | ${ids.slice(cut).join(',')}`);
    this.healPartitionLater(tick);
  }

  private isolateLeader(tick: number): void {
    const leader = this.cluster.leader();
    if (leader === null) return;
    this.net.isolate(leader, [...this.cluster.ids]);
    this.counts.partitions++;
    this.log.push(`${tick}: isolate leader ${leader}`);
    this.healPartitionLater(tick);
  }

  private healPartitionLater(tick: number): void {
    const [min, max] = this.profile.partitionFor;
    const until = tick + randomInt(this.rng, min, max);
    this.at(until, () => {
      this.net.healPartition();
      this.log.push(`${until}: heal partition`);
    });
  }

  private cutLink(tick: number): void {
    const [from, to] = this.shuffledIds();
    if (from === undefined || to === undefined) return;
    const direction = this.rng() < 0.5 ? 'one-way' : 'both';
    this.net.cut(from, to, direction);
    this.counts.linkCuts++;
    const until = tick + randomInt(this.rng, ...this.profile.partitionFor);
    this.log.push(`${tick}: cut ${from}→${to} ${direction}`);
    this.at(until, () => this.net.uncut(from, to, direction));
  }

  private changeNetwork(tick: number): void {
    const p = this.profile;
    const settings = { loss: this.rng() * p.maxLoss, duplicate: this.rng() * p.maxDuplicate, reorder: this.rng() * p.maxReorder };
    this.net.setDefaults(settings);
    this.log.push(`${tick}: network loss=${settings.loss.toFixed(2)} dup=${settings.duplicate.toFixed(2)} reorder=${settings.reorder.toFixed(2)}`);
    const until = tick + randomInt(this.rng, 50, 300);
    this.at(until, () => this.net.setDefaults({ loss: 0, duplicate: 0, reorder: 0 }));
  }

  private transfer(tick: number): void {
    const leader = this.cluster.leader();
    const others = this.cluster.ids.filter((id) => id !== leader && this.cluster.isUp(id));
    if (leader === null || others.length === 0) return;
    const to = others[randomInt(this.rng, 0, others.length - 1)]!;
    this.cluster.transfer(leader, to);
    this.log.push(`${tick}: transfer leadership ${leader}→${to}`);
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
    const outsiders = this.cluster.ids.filter((id) => !config.voters.includes(id) && !config.learners.includes(id));
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
    this.cluster.proposeConfChange(leader, { changes });
    this.log.push(`${tick}: ${leader} proposes ${changes.map((c) => `${c.op} ${c.node}`).join(' + ')}`);
  }

  private shuffledIds(): string[] {
    const ids = [...this.cluster.ids];
    for (let i = ids.length - 1; i > 0; i--) {
      const j = randomInt(this.rng, 0, i);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    return ids;
  }

  private at(tick: number, run: () => void): void {
    this.scheduled.push({ at: tick, run });
  }
}

export const CALM_LINK = { latency: 3, jitter: 6, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 40 };
