// The clusters one server process runs, by name, each with its control token. Clusters are made on
// demand (the page's "fork", POST /api/clusters) within server-wide caps; one that nobody watches
// or uses for `idleMs` is stopped and its data deleted. The default cluster is permanent.
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve, sep } from 'node:path';
import { Cluster, type ClusterOptions } from './cluster/cluster.ts';
import type { ProfileName } from './cluster/profiles.ts';
import { CommandError } from '../shared/protocol/commands.ts';
import { clusterNameSchema } from '../shared/protocol/schemas.ts';
import { generateToken } from './auth/tokens.ts';
import { createValueDigest } from './auth/value-digest.ts';
import type { ValueDigest } from '../shared/protocol/redact.ts';
import { BUILT_IN, Implementations } from './foreign/implementations.ts';
import type { RateLimit } from './auth/rate-limit.ts';
import type { NodeApiSetup } from './cluster/node-api/node-api-ports.ts';
import type { VaultRequest, VaultResponse } from './vault/vault-http.ts';

export interface RegistryLimits {
  /** Clusters one server runs at most (the default one included). */
  readonly maxClusters: number;
  /** Nodes across all clusters at most (creation, fork and add-node are refused beyond it). */
  readonly maxNodes: number;
  /** Real milliseconds without a viewer or a request before a non-permanent cluster is removed. */
  readonly idleMs: number;
}

export const DEFAULT_LIMITS: RegistryLimits = { maxClusters: 32, maxNodes: 160, idleMs: 30 * 60_000 };

export interface NewCluster {
  readonly nodes: number;
  readonly profile: ProfileName;
  readonly name?: string;
  /** Given for the default cluster (--token); generated otherwise. */
  readonly token?: string;
  /** Never reaped, and its data survives a server restart (the default cluster). */
  readonly permanent?: boolean;
  readonly forkedFrom?: string;
  /** A registered implementation's name (default: our own core); never a command. */
  readonly implementation?: string;
  /** Show values to watchers (default: the server's --public-values). */
  readonly publicValues?: boolean;
  /** Further cluster options (a scenario's prepared disks, switches, speed…). */
  readonly setup?: Omit<Partial<ClusterOptions>, 'name' | 'nodes' | 'dataDir' | 'profile'>;
}

/** How clusters' nodes serve their own API ports (node-api/): set by the server. */
export interface NodePortsPlan {
  readonly host: string;
  /** The permanent (default) cluster's base: n1 on base+1, …; 0: ports the system picks. */
  readonly base: number;
  readonly allowedHosts: readonly string[];
  readonly httpRate: RateLimit;
  /** Answers a Vault request that arrived at a node's port (the main server's router). */
  answer(session: LabSession, node: string, request: VaultRequest, trailingSlash: boolean): Promise<VaultResponse>;
}

export interface LabSession {
  readonly name: string;
  readonly cluster: Cluster;
  readonly token: string;
  readonly permanent: boolean;
  readonly profile: ProfileName;
  readonly forkedFrom: string | null;
  /** What its nodes run: "raftlab" (our core) or an implementation the operator registered. */
  readonly implementation: string;
  /** performance.now() of the last request, command or viewer leaving. */
  lastActivity: number;
  /** Open WebSocket connections on this cluster. */
  viewers: number;
  /** Watchers without the token see values (a classroom's choice); otherwise digests of them. */
  publicValues: boolean;
  /** What a watcher sees of a value when publicValues is off. */
  readonly digest: ValueDigest;
}

export class ClusterRegistry {
  private readonly sessions = new Map<string, LabSession>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly root: string;
  /** New clusters show values to watchers (--public-values). */
  publicValuesByDefault = false;
  /** Called when a cluster starts or stops showing values to watchers. */
  onValuesVisibility: (session: LabSession) => void = () => {};
  /** Called once a cluster runs (metrics start counting it). */
  onCreated: (session: LabSession) => void = () => {};
  /** Called after a cluster is removed (idle or deleted), e.g. to close its viewers' sockets. */
  onRemoved: (session: LabSession, why: string) => void = () => {};
  /** Nodes of our core serve their own API ports when set: the default cluster's on the plan's
   *  base, every other cluster's on ports the system picks (a workshop forks many). */
  nodePorts: NodePortsPlan | null = null;

  constructor(
    dataDir: string,
    readonly limits: RegistryLimits = DEFAULT_LIMITS,
    /** The node programs the operator registered; a request can only name one of them. */
    readonly implementations: Implementations = new Implementations(),
  ) {
    this.root = resolve(dataDir);
    this.sweeper = setInterval(() => void this.reapIdle(), Math.max(250, Math.min(60_000, limits.idleMs / 4)));
    this.sweeper.unref();
  }

  create(request: NewCluster): LabSession {
    const implementation = this.implementations.resolve(request.implementation);
    const name = request.name ?? this.freshName();
    if (!clusterNameSchema.safeParse(name).success) throw new CommandError('bad-request', `bad cluster name ${JSON.stringify(name).slice(0, 40)}`);
    if (this.sessions.has(name)) throw new CommandError('conflict', `a cluster named ${name} already exists`);
    if (this.sessions.size >= this.limits.maxClusters) {
      throw new CommandError('unavailable', `this server already runs its limit of ${this.limits.maxClusters} clusters; delete one, or wait for idle ones to be removed`);
    }
    const used = this.totalNodes();
    if (used + request.nodes > this.limits.maxNodes) {
      throw new CommandError('unavailable', `this server runs ${used} of at most ${this.limits.maxNodes} nodes; ${request.nodes} more do not fit`);
    }
    const dir = this.dirOf(name);
    // A sandbox starts empty, even if an earlier server process left a directory of that name.
    if (!request.permanent) rmSync(dir, { recursive: true, force: true });
    const token = request.token ?? generateToken();
    const nodeApi = this.nodeApiOf(request, token, () => session);
    const cluster = new Cluster({ ...request.setup, name, nodes: request.nodes, dataDir: this.root, profile: request.profile, ...(implementation ? { implementation } : {}), ...(nodeApi ? { nodeApi } : {}) });
    const session: LabSession = {
      name,
      cluster,
      token,
      permanent: request.permanent ?? false,
      profile: request.profile,
      forkedFrom: request.forkedFrom ?? null,
      implementation: implementation?.name ?? BUILT_IN,
      lastActivity: performance.now(),
      viewers: 0,
      publicValues: request.publicValues ?? this.publicValuesByDefault,
      digest: createValueDigest(),
    };
    this.sessions.set(name, session);
    cluster.start();
    this.onCreated(session);
    return session;
  }

  private nodeApiOf(request: NewCluster, token: string, session: () => LabSession): NodeApiSetup | null {
    const plan = this.nodePorts;
    if (!plan || request.implementation !== undefined) return null;
    return {
      host: plan.host,
      base: request.permanent ? plan.base : 0,
      token,
      allowedHosts: plan.allowedHosts,
      httpRate: plan.httpRate,
      answer: (node, vault, trailingSlash) => plan.answer(session(), node, vault, trailingSlash),
      touched: () => this.touch(session()),
    };
  }

  /** Shows or hides values to the cluster's watchers; every page then gets a fresh welcome. */
  setPublicValues(session: LabSession, shown: boolean): void {
    if (session.publicValues === shown) return;
    session.publicValues = shown;
    this.onValuesVisibility(session);
  }

  get(name: string): LabSession | undefined {
    return this.sessions.get(name);
  }

  all(): LabSession[] {
    return [...this.sessions.values()];
  }

  touch(session: LabSession): void {
    session.lastActivity = performance.now();
  }

  /** Nodes with a worker slot across every cluster. */
  totalNodes(): number {
    let total = 0;
    for (const session of this.sessions.values()) total += session.cluster.nodeIds().length;
    return total;
  }

  /** Refuses a node the server has no room for (add-node goes through here first). */
  assertRoomForNode(): void {
    const used = this.totalNodes();
    if (used >= this.limits.maxNodes) throw new CommandError('unavailable', `this server already runs its limit of ${this.limits.maxNodes} nodes`);
  }

  /** Stops the cluster and deletes its data. */
  async remove(name: string, why: string): Promise<void> {
    const session = this.sessions.get(name);
    if (!session) return;
    this.sessions.delete(name);
    await session.cluster.stop();
    rmSync(this.dirOf(name), { recursive: true, force: true });
    this.onRemoved(session, why);
  }

  /** Removes every non-permanent cluster that nobody watched or used for `idleMs`. */
  async reapIdle(now = performance.now()): Promise<string[]> {
    const idle = this.all().filter((session) => !session.permanent && session.viewers === 0 && now - session.lastActivity >= this.limits.idleMs);
    await Promise.all(idle.map((session) => this.remove(session.name, 'idle')));
    return idle.map((session) => session.name);
  }

  async stopAll(): Promise<void> {
    clearInterval(this.sweeper);
    const sessions = this.all();
    this.sessions.clear();
    await Promise.all(sessions.map((session) => session.cluster.stop()));
    // Sandboxes do not outlive the server; the permanent cluster's data does.
    for (const session of sessions) if (!session.permanent) rmSync(this.dirOf(session.name), { recursive: true, force: true });
  }

  /** <dataDir>/<name>, checked to stay inside the data directory whatever the name. */
  private dirOf(name: string): string {
    const dir = resolve(this.root, name);
    if (!dir.startsWith(this.root + sep) || dir === this.root) throw new CommandError('bad-request', 'bad cluster name');
    return dir;
  }

  private freshName(): string {
    for (;;) {
      const name = `lab-${randomBytes(3).toString('hex')}`;
      if (!this.sessions.has(name)) return name;
    }
  }
}
