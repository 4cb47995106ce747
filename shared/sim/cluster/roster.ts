// Who belongs to the simulated cluster: the pure counterpart of server/cluster/membership.ts. The
// roster is the membership a person asked for; Raft's configuration is what the cluster agreed.
// Each pass moves the configuration one change toward the roster through the leader: a new
// cluster bootstraps n1 alone and the others join one membership change at a time. No files and
// no timers: the roster lives in memory, and a retry is a virtual time the cluster's loop visits.
import { byNodeNumber, nextMembershipChange, strayNodes, type MemberRole } from '../../host/membership-plan.ts';
import type { ConfChange, ConfChangeSingle, MembershipConfig } from '../../raft/index.ts';
import { CommandError, MAX_NODES } from '../../protocol/commands.ts';
import type { PendingRequest, RequestOutcome } from './requests.ts';

export interface RosterHost {
  leader(): string | null;
  leaderConfig(): MembershipConfig | null;
  hasHost(node: string): boolean;
  startNode(node: string, bootstrap: boolean): void;
  dropNode(node: string): void;
  /** Sends a membership change to the leader; `done` runs when its outcome is known. */
  sendChange(leader: string, change: ConfChange, timeoutMs: number, done?: (outcome: RequestOutcome) => void): PendingRequest;
  attemptTimeoutMs(): number;
  now(): number;
}

export class Roster {
  private readonly roster = new Map<string, MemberRole>();
  private bootstrapped = false;
  private busy = false;
  private version = 0;
  private settled: { config: MembershipConfig; version: number } | null = null;
  /** Virtual time of the next retry after a failed change, if one is due. */
  retryAt: number | null = null;
  lastProblem: string | null = null;

  constructor(
    nodes: number,
    private readonly host: RosterHost,
  ) {
    for (let i = 1; i <= nodes; i++) this.roster.set(`n${i}`, 'voter');
  }

  members(): string[] {
    return [...this.roster.keys()].sort(byNodeNumber);
  }

  startAll(): void {
    const first = this.members()[0];
    for (const id of this.members()) this.host.startNode(id, !this.bootstrapped && id === first);
  }

  startsFresh(): boolean {
    return !this.bootstrapped;
  }

  markBootstrapped(): void {
    this.bootstrapped = true;
    this.version += 1;
  }

  restartFromNothing(): void {
    this.bootstrapped = false;
    this.version += 1;
  }

  static bootstrapConfig(node: string): MembershipConfig {
    return { voters: [node], learners: [], votersOutgoing: [] };
  }

  add(learner: boolean): string {
    if (this.roster.size >= MAX_NODES) throw new CommandError('conflict', `a cluster has at most ${MAX_NODES} nodes`);
    let id = '';
    for (let i = 1; i <= 99 && !id; i++) if (!this.roster.has(`n${i}`) && !this.host.hasHost(`n${i}`)) id = `n${i}`;
    if (!id) throw new CommandError('conflict', 'no free node id');
    this.roster.set(id, learner ? 'learner' : 'voter');
    this.version += 1;
    this.host.startNode(id, false);
    this.reconcile();
    return id;
  }

  remove(node: string): void {
    if (!this.roster.has(node)) throw new CommandError('not-found', `${node} is not a member`);
    if (this.roster.size === 1) throw new CommandError('conflict', 'the last member cannot be removed');
    this.roster.delete(node);
    this.version += 1;
    this.reconcile();
  }

  promote(node: string): void {
    if (this.roster.get(node) !== 'learner') throw new CommandError('conflict', `${node} is not a learner`);
    this.roster.set(node, 'voter');
    this.version += 1;
    this.reconcile();
  }

  /**
   * Several voters in and out at once through joint consensus. Returns the request to wait for;
   * the caller advances virtual time until it has an outcome, then calls `changeDone`.
   */
  change(add: readonly string[], remove: readonly string[]): PendingRequest {
    const leader = this.host.leader();
    if (!leader) throw new CommandError('no-leader', 'membership changes go through the leader, and there is none');
    for (const id of remove) if (!this.roster.has(id)) throw new CommandError('not-found', `${id} is not a member`);
    const size = this.roster.size + add.filter((id) => !this.roster.has(id)).length - remove.length;
    if (size < 1) throw new CommandError('conflict', 'the change would leave no member');
    if (this.roster.size + add.length > MAX_NODES) throw new CommandError('conflict', `a cluster has at most ${MAX_NODES} nodes`);
    const changes: ConfChangeSingle[] = [];
    for (const id of add) {
      if (this.roster.has(id)) throw new CommandError('conflict', `${id} is already a member`);
      changes.push({ op: 'add-voter', node: id });
    }
    for (const id of remove) changes.push({ op: 'remove-voter', node: id });
    if (changes.length === 0) throw new CommandError('bad-request', 'nothing to change');
    this.busy = true;
    for (const id of add) {
      this.roster.set(id, 'voter');
      this.host.startNode(id, false);
    }
    for (const id of remove) this.roster.delete(id);
    this.version += 1;
    return this.host.sendChange(leader, { changes }, this.host.attemptTimeoutMs() * 2);
  }

  changeDone(): void {
    this.busy = false;
    this.reconcile();
  }

  /** One step toward the roster, if there is a leader and no change in progress. */
  reconcile(): void {
    if (this.busy) return;
    const leader = this.host.leader();
    const config = this.host.leaderConfig();
    if (!leader || !config) return;
    if (this.settled && this.settled.version === this.version && sameConfig(this.settled.config, config)) return;
    if (!this.bootstrapped && config.voters.length > 0) {
      this.bootstrapped = true;
      this.version += 1;
    }
    for (const id of strayNodes(this.roster, config, (id) => this.host.hasHost(id))) this.host.dropNode(id);
    if (config.votersOutgoing.length > 0) return; // the leader is leaving a joint configuration
    const change = nextMembershipChange(this.roster, config);
    if (!change) {
      this.lastProblem = null;
      this.settled = { config: { voters: [...config.voters], learners: [...config.learners], votersOutgoing: [...config.votersOutgoing] }, version: this.version };
      return;
    }
    this.busy = true;
    this.host.sendChange(leader, change, this.host.attemptTimeoutMs(), (outcome) => {
      this.busy = false;
      if (outcome.ok) {
        this.lastProblem = null;
        this.reconcile();
      } else {
        this.lastProblem = outcome.error;
        this.retryAt ??= this.host.now() + Math.min(2000, this.host.attemptTimeoutMs() / 4);
      }
    });
  }

  /** The loop reached the retry time. */
  retry(): void {
    this.retryAt = null;
    this.reconcile();
  }
}

function sameConfig(a: MembershipConfig, b: MembershipConfig): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((id, i) => id === y[i]);
  return same(a.voters, b.voters) && same(a.learners, b.learners) && same(a.votersOutgoing, b.votersOutgoing);
}

