// The lab's membership: the shared roster controller (shared/host/roster.ts) kept in
// <cluster>/cluster.json, with its retries on a timer and its changes sent to the leader's worker.
// The roster is the membership a person asked for; Raft's configuration is what the cluster has
// agreed, and the controller moves the one toward the other a change at a time.
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Roster, type RosterHost, type RosterState } from '../../shared/host/roster.ts';
import { MAX_NODES } from '../../shared/protocol/commands.ts';
import { nodeIdSchema } from '../../shared/protocol/schemas.ts';
import type { WorkerRequests } from './worker-requests.ts';

interface ClusterFile extends RosterState {
  readonly version: 1;
}

export type MembershipHost = Omit<RosterHost, 'sendChange' | 'retryIn' | 'saved' | 'dropNode'> & {
  readonly requests: WorkerRequests;
  /** Stops the node's worker, deletes its directory and drops it from the view. */
  dropNode(node: string): Promise<void>;
};

export class Membership {
  /** Who belongs to the cluster and the controller that moves the configuration there. */
  readonly roster: Roster;
  private retryTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly file: string,
    state: RosterState,
    host: MembershipHost,
  ) {
    this.roster = new Roster(state, {
      leader: () => host.leader(),
      leaderConfig: () => host.leaderConfig(),
      hasHost: (node) => host.hasHost(node),
      startNode: (node, bootstrap) => host.startNode(node, bootstrap),
      dropNode: (node) => void host.dropNode(node),
      sendChange: (leader, change, timeoutMs, done) => void host.requests.send(leader, { kind: 'conf-change', change }, timeoutMs).then(done),
      attemptTimeoutMs: () => host.attemptTimeoutMs(),
      retryIn: (delayMs) => this.retryIn(delayMs),
      saved: (saved) => this.save(saved),
      timeStopped: () => host.timeStopped(),
    });
  }

  /** Reads <dir>/cluster.json, or creates a roster of n1..n{nodes} for a new cluster. */
  static open(dir: string, nodes: number, host: MembershipHost): Membership {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'cluster.json');
    if (existsSync(file)) return new Membership(file, parseClusterFile(readFileSync(file, 'utf8'), file), host);
    const membership = new Membership(file, Roster.initial(nodes), host);
    membership.save(membership.roster.state());
    return membership;
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private retryIn(delayMs: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.roster.retry();
    }, delayMs);
    this.retryTimer.unref();
  }

  private save(state: RosterState): void {
    const file: ClusterFile = { version: 1, ...state };
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(file, null, 2) + '\n');
    renameSync(temp, this.file);
  }
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
