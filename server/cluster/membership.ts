// Who belongs to the cluster. The roster (persisted in <cluster>/cluster.json) is the membership a
// person asked for; Raft's configuration is what the cluster has agreed. The controller moves the
// configuration toward the roster one change at a time through the leader, as Vault's autopilot
// and `raft join` do: a new cluster bootstraps n1 alone and the others join as membership changes.
import { byNodeNumber, nextMembershipChange, strayNodes, type MemberRole } from '../../shared/host/index.ts';
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfChangeSingle } from '../../shared/raft/index.ts';
import type { MembershipConfig } from '../../shared/raft/types.ts';
import { MAX_NODES, CommandError } from '../../shared/protocol/commands.ts';
import { nodeIdSchema } from '../../shared/protocol/schemas.ts';
import type { WorkerRequests } from './worker-requests.ts';

interface ClusterFile {
  readonly version: 1;
  /** True once the bootstrap node has formed the cluster; a wiped n1 must never bootstrap again. */
  readonly bootstrapped: boolean;
  readonly roster: readonly { readonly id: string; readonly role: MemberRole }[];
}

export interface MembershipHost {
  readonly requests: WorkerRequests;
  leader(): string | null;
  /** The configuration the leader reports, or null without a leader. */
  leaderConfig(): MembershipConfig | null;
  hasHost(node: string): boolean;
  startNode(node: string, bootstrap: boolean): void;
  /** Stops the node's worker, deletes its directory and drops it from the view. */
  dropNode(node: string): Promise<void>;
  attemptTimeoutMs(): number;
  /** While the lab clock is paused, the controller makes no changes either. */
  timeStopped(): boolean;
}

export class Membership {
  private readonly roster = new Map<string, MemberRole>();
  private bootstrapped = false;
  private busy = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Bumped whenever the roster or bootstrap flag changes (every such change saves). */
  private rosterVersion = 0;
  /** The leader's config and roster version for which the last pass found nothing to do. */
  private settled: { config: MembershipConfig; rosterVersion: number } | null = null;
  /** The last change the controller could not make, for the UI and the API. */
  lastProblem: string | null = null;

  private constructor(
    private readonly file: string,
    private readonly host: MembershipHost,
  ) {}

  /** Reads <dir>/cluster.json, or creates a roster of n1..n{nodes} for a new cluster. */
  static open(dir: string, nodes: number, host: MembershipHost): Membership {
    mkdirSync(dir, { recursive: true });
    const membership = new Membership(join(dir, 'cluster.json'), host);
    if (existsSync(membership.file)) {
      const saved = parseClusterFile(readFileSync(membership.file, 'utf8'), membership.file);
      membership.bootstrapped = saved.bootstrapped;
      for (const member of saved.roster) membership.roster.set(member.id, member.role);
    } else {
      for (let i = 1; i <= nodes; i++) membership.roster.set(`n${i}`, 'voter');
      membership.save();
    }
    return membership;
  }

  members(): string[] {
    return [...this.roster.keys()].sort(byNodeNumber);
  }

  role(node: string): MemberRole | undefined {
    return this.roster.get(node);
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
    this.save();
  }

  /** Every node's data is gone: the next start bootstraps the first member alone again. */
  restartFromNothing(): void {
    this.bootstrapped = false;
    this.save();
  }

  /** The configuration a bootstrap node starts with: itself alone. */
  static bootstrapConfig(node: string): MembershipConfig {
    return { voters: [node], learners: [], votersOutgoing: [] };
  }

  add(learner: boolean): string {
    if (this.roster.size >= MAX_NODES) throw new CommandError('conflict', `a cluster has at most ${MAX_NODES} nodes`);
    let id = '';
    for (let i = 1; i <= 99 && !id; i++) if (!this.roster.has(`n${i}`) && !this.host.hasHost(`n${i}`)) id = `n${i}`;
    if (!id) throw new CommandError('conflict', 'no free node id');
    this.roster.set(id, learner ? 'learner' : 'voter');
    this.save();
    this.host.startNode(id, false);
    this.reconcile();
    return id;
  }

  remove(node: string): void {
    if (!this.roster.has(node)) throw new CommandError('not-found', `${node} is not a member`);
    if (this.roster.size === 1) throw new CommandError('conflict', 'the last member cannot be removed');
    this.roster.delete(node);
    this.save();
    this.reconcile();
  }

  promote(node: string): void {
    if (this.roster.get(node) !== 'learner') throw new CommandError('conflict', `${node} is not a learner`);
    this.roster.set(node, 'voter');
    this.save();
    this.reconcile();
  }

  /**
   * Several voters in and out at once, through joint consensus (e.g. replace the leader): new
   * nodes start empty, then one configuration entry moves the cluster to C_old,new and the leader
   * leaves the joint configuration by itself once it commits.
   */
  async change(add: readonly string[], remove: readonly string[]): Promise<Record<string, unknown>> {
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
      this.save();
      const outcome = await this.host.requests.send(leader, { kind: 'conf-change', change: { changes } }, this.host.attemptTimeoutMs() * 2);
      if (!outcome.ok) throw new CommandError(outcome.code === 'unknown' ? 'timeout' : 'conflict', outcome.error);
      return { ...outcome.value, joint: changes.length > 1 };
    } finally {
      this.busy = false;
      this.reconcile();
    }
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
    // Called on every leader status report: with the same config and roster as a pass that found
    // nothing to do, there is still nothing to do (strays only appear through a roster change).
    if (this.settled && this.settled.rosterVersion === this.rosterVersion && sameConfig(this.settled.config, config)) return;
    if (!this.bootstrapped && config.voters.length > 0) {
      this.bootstrapped = true;
      this.save();
    }
    // Nodes out of the configuration and out of the roster are gone for good: stop them.
    for (const id of strayNodes(this.roster, config, (id) => this.host.hasHost(id))) void this.host.dropNode(id);
    if (config.votersOutgoing.length > 0) return; // the leader is leaving a joint configuration
    const change = nextMembershipChange(this.roster, config);
    if (!change) {
      this.lastProblem = null;
      this.settled = { config: { voters: [...config.voters], learners: [...config.learners], votersOutgoing: [...config.votersOutgoing] }, rosterVersion: this.rosterVersion };
      return;
    }
    this.busy = true;
    void this.host.requests.send(leader, { kind: 'conf-change', change }, this.host.attemptTimeoutMs()).then((outcome) => {
      this.busy = false;
      if (outcome.ok) {
        this.lastProblem = null;
        this.reconcile();
      } else {
        this.lastProblem = outcome.error;
        this.retryLater();
      }
    });
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.reconcile();
    }, Math.min(2000, this.host.attemptTimeoutMs() / 4));
    this.retryTimer.unref();
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private save(): void {
    this.rosterVersion += 1;
    const file: ClusterFile = { version: 1, bootstrapped: this.bootstrapped, roster: this.members().map((id) => ({ id, role: this.roster.get(id)! })) };
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(file, null, 2) + '\n');
    renameSync(temp, this.file);
  }
}

function sameConfig(a: MembershipConfig, b: MembershipConfig): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((id, i) => id === y[i]);
  return same(a.voters, b.voters) && same(a.learners, b.learners) && same(a.votersOutgoing, b.votersOutgoing);
}

/** Validates cluster.json: a damaged file stops the cluster with a message naming it. */
function parseClusterFile(text: string, path: string): ClusterFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const file = value as Partial<ClusterFile> | null;
  if (!file || file.version !== 1 || typeof file.bootstrapped !== 'boolean' || !Array.isArray(file.roster)) {
    throw new Error(`${path} is not a raftlab cluster file (version 1 with bootstrapped and roster)`);
  }
  for (const member of file.roster) {
    if (!nodeIdSchema.safeParse(member?.id).success || (member.role !== 'voter' && member.role !== 'learner')) {
      throw new Error(`${path} has a bad roster entry: ${JSON.stringify(member)}`);
    }
  }
  if (file.roster.length === 0 || file.roster.length > MAX_NODES) throw new Error(`${path} must list 1–${MAX_NODES} members`);
  return file as ClusterFile;
}
