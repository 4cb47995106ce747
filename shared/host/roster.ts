// Who belongs to a cluster, for every host (the worker runtime and the simulator). The roster is
// the membership a person asked for; Raft's configuration is what the cluster has agreed. Each
// pass moves the configuration one change toward the roster through the leader, as Vault's
// autopilot and `raft join` do: a new cluster bootstraps n1 alone and the others join one
// membership change at a time.
//
// The roster keeps no files and no timers. Its host saves it (the lab writes cluster.json), sends
// changes to the leader, and calls `retry()` when a retry is due (the lab on a timer, the
// simulator at a virtual time), so the lab and the simulator's checked runs share one controller.
import { byNodeNumber, nextMembershipChange, strayNodes, type MemberRole } from './membership-plan.ts';
import type { ConfChange, ConfChangeSingle, MembershipConfig } from '../raft/index.ts';
import { CommandError, MAX_NODES } from '../protocol/commands.ts';

export interface RosterState {
  /** True once the bootstrap node has formed the cluster; a wiped n1 must never bootstrap again. */
  readonly bootstrapped: boolean;
  readonly roster: readonly { readonly id: string; readonly role: MemberRole }[];
}

/** What the roster needs of a change's outcome: whether it landed. */
export interface ChangeOutcome {
  readonly ok: boolean;
}

export interface RosterHost {
  leader(): string | null;
  /** The configuration the leader reports, or null without a leader. */
  leaderConfig(): MembershipConfig | null;
  hasHost(node: string): boolean;
  startNode(node: string, bootstrap: boolean): void;
  /** Stops the node, deletes its data and drops it from the view. */
  dropNode(node: string): void;
  /** Sends one configuration change to the leader; `done` gets its outcome. */
  sendChange(leader: string, change: ConfChange, timeoutMs: number, done: (outcome: ChangeOutcome) => void): void;
  attemptTimeoutMs(): number;
  /** A change failed: call `retry()` in about `delayMs` (once, however often this is asked). */
  retryIn(delayMs: number): void;
  /** The roster or the bootstrap flag changed. */
  saved(state: RosterState): void;
  /** While true (the lab clock is paused), the controller makes no changes either. */
  timeStopped(): boolean;
}

export class Roster {
  private readonly roster = new Map<string, MemberRole>();
  private bootstrapped: boolean;
  private busy = false;
  /** Bumped whenever the roster or bootstrap flag changes. */
  private version = 0;
  /** The leader's config and roster version for which the last pass found nothing to do. */
  private settled: { config: MembershipConfig; version: number } | null = null;

  constructor(
    state: RosterState,
    private readonly host: RosterHost,
  ) {
    this.bootstrapped = state.bootstrapped;
    for (const member of state.roster) this.roster.set(member.id, member.role);
  }

  /** A new cluster's roster: voters n1..n{nodes}, not yet bootstrapped. */
  static initial(nodes: number): RosterState {
    return { bootstrapped: false, roster: Array.from({ length: nodes }, (_, i) => ({ id: `n${i + 1}`, role: 'voter' as const })) };
  }

  /** The configuration a bootstrap node starts with: itself alone. */
  static bootstrapConfig(node: string): MembershipConfig {
    return { voters: [node], learners: [], votersOutgoing: [] };
  }

  state(): RosterState {
    return { bootstrapped: this.bootstrapped, roster: this.members().map((id) => ({ id, role: this.roster.get(id)! })) };
  }

  members(): string[] {
    return [...this.roster.keys()].sort(byNodeNumber);
  }

  /** Starts every member; on a cluster's first start, n1 bootstraps alone and the rest wait to join. */
  startAll(): void {
    const first = this.members()[0];
    for (const id of this.members()) this.host.startNode(id, !this.bootstrapped && id === first);
  }

  /** True until the cluster has formed for the first time. */
  startsFresh(): boolean {
    return !this.bootstrapped;
  }

  /** The nodes' disks already hold a configuration (prepared state): nobody bootstraps. */
  markBootstrapped(): void {
    this.bootstrapped = true;
    this.changed();
  }

  /** Every node's data is gone: the next start bootstraps the first member alone again. */
  restartFromNothing(): void {
    this.bootstrapped = false;
    this.changed();
  }

  add(learner: boolean): string {
    if (this.roster.size >= MAX_NODES) throw new CommandError('conflict', `a cluster has at most ${MAX_NODES} nodes`);
    let id = '';
    for (let i = 1; i <= 99 && !id; i++) if (!this.roster.has(`n${i}`) && !this.host.hasHost(`n${i}`)) id = `n${i}`;
    if (!id) throw new CommandError('conflict', 'no free node id');
    this.roster.set(id, learner ? 'learner' : 'voter');
    this.changed();
    this.host.startNode(id, false);
    this.reconcile();
    return id;
  }

  remove(node: string): void {
    if (!this.roster.has(node)) throw new CommandError('not-found', `${node} is not a member`);
    if (this.roster.size === 1) throw new CommandError('conflict', 'the last member cannot be removed');
    this.roster.delete(node);
    this.changed();
    this.reconcile();
  }

  promote(node: string): void {
    if (this.roster.get(node) !== 'learner') throw new CommandError('conflict', `${node} is not a learner`);
    this.roster.set(node, 'voter');
    this.changed();
    this.reconcile();
  }

  /**
   * Several voters in and out at once, through joint consensus (e.g. replace the leader): new
   * nodes start empty, then one configuration entry moves the cluster to C_old,new and the leader
   * leaves the joint configuration by itself once it commits. The caller sends `change` to
   * `leader`, waits for the outcome, and then calls `changeDone()` whatever it was.
   */
  beginChange(add: readonly string[], remove: readonly string[]): { leader: string; change: ConfChange; joint: boolean } {
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
    try {
      for (const id of add) {
        this.roster.set(id, 'voter');
        this.host.startNode(id, false);
      }
      for (const id of remove) this.roster.delete(id);
      this.changed();
    } catch (error) {
      this.changeDone();
      throw error;
    }
    return { leader, change: { changes }, joint: changes.length > 1 };
  }

  changeDone(): void {
    this.busy = false;
    this.reconcile();
  }

  /**
   * One step toward the roster, if there is a leader and no change in progress. Called whenever
   * the leader reports a status, so it is cheap when there is nothing to do.
   */
  reconcile(): void {
    if (this.busy || this.host.timeStopped()) return;
    const leader = this.host.leader();
    const config = this.host.leaderConfig();
    if (!leader || !config) return;
    // With the same config and roster as a pass that found nothing to do, there is still nothing
    // to do (strays only appear through a roster change).
    if (this.settled && this.settled.version === this.version && sameConfig(this.settled.config, config)) return;
    if (!this.bootstrapped && config.voters.length > 0) {
      this.bootstrapped = true;
      this.changed();
    }
    // Nodes out of the configuration and out of the roster are gone for good: stop them.
    for (const id of strayNodes(this.roster, config, (id) => this.host.hasHost(id))) this.host.dropNode(id);
    if (config.votersOutgoing.length > 0) return; // the leader is leaving a joint configuration
    const change = nextMembershipChange(this.roster, config);
    if (!change) {
      this.settled = { config: { voters: [...config.voters], learners: [...config.learners], votersOutgoing: [...config.votersOutgoing] }, version: this.version };
      return;
    }
    this.busy = true;
    this.host.sendChange(leader, change, this.host.attemptTimeoutMs(), (outcome) => {
      this.busy = false;
      if (outcome.ok) this.reconcile();
      else this.host.retryIn(Math.min(2000, this.host.attemptTimeoutMs() / 4));
    });
  }

  /** A retry asked for with `retryIn` is due. */
  retry(): void {
    this.reconcile();
  }

  private changed(): void {
    this.version += 1;
    this.host.saved(this.state());
  }
}

function sameConfig(a: MembershipConfig, b: MembershipConfig): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((id, i) => id === y[i]);
  return same(a.voters, b.voters) && same(a.learners, b.learners) && same(a.votersOutgoing, b.votersOutgoing);
}
