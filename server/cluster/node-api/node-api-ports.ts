// The main thread's side of the nodes' own API ports (node-api-server.ts runs in each worker):
// which port each node listens on (n1 on base+1, …; a restarted node gets its port back), where it
// listens once it says so, the Vault requests a node hands over (answered by the main server's
// router), the client operations its port served (into the event log: the page, the history and
// the checkers see them as they see the main thread's), and the news each node needs of its peers.
import type { EventLog } from '../../../shared/host/event-log.ts';
import type { ClusterEvent, UnstampedEvent } from '../../../shared/protocol/events.ts';
import { CommandError } from '../../../shared/protocol/commands.ts';
import type { RateLimit } from '../../auth/rate-limit.ts';
import type { VaultRequest, VaultResponse } from '../../vault/vault-http.ts';
import type { NodeApiInit, NodeApiMessage, NodeApiReport, RelayedVaultAnswer, RelayedVaultRequest } from './node-api-protocol.ts';

export interface NodeApiSetup {
  readonly host: string;
  /** n1 listens on base+1, n2 on base+2, …; 0: every node on a port the system picks. */
  readonly base: number;
  readonly token: string;
  readonly allowedHosts: readonly string[];
  readonly httpRate: RateLimit;
  /** Answers a Vault request that arrived at `node`'s port (the main server's router, as for /c/{cluster}/n/{node}). */
  readonly answer: (node: string, request: VaultRequest, trailingSlash: boolean) => Promise<VaultResponse>;
  /** A request or client operation on some node's port: the cluster is in use. */
  readonly touched: () => void;
}

export interface NodeApiCluster {
  readonly name: string;
  readonly events: EventLog;
  nodeIds(): string[];
  isRunning(node: string): boolean;
  post(node: string, message: NodeApiMessage): void;
}

/** Events after which the set of running nodes may be different. */
const LIFE_EVENTS = new Set<ClusterEvent['type']>(['node-starting', 'node-recovered', 'node-killed', 'node-failed', 'node-removed', 'node-wiped']);

export class NodeApiPorts {
  private readonly listening = new Map<string, { readonly address: string; readonly port: number }>();
  private told = '';
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly setup: NodeApiSetup,
    private readonly cluster: NodeApiCluster,
  ) {
    cluster.events.subscribe((event) => {
      if (LIFE_EVENTS.has(event.type)) this.tellRunning(false);
    });
  }

  /** What a node's worker needs to serve its port: the one it had before, else base + its number. */
  initFor(node: string): NodeApiInit {
    const { host, base, token, allowedHosts, httpRate } = this.setup;
    const port = this.listening.get(node)?.port ?? (base > 0 ? base + Number(node.slice(1)) : 0);
    return { host, port, cluster: this.cluster.name, token, allowedHosts, httpRate };
  }

  /** A node's API address (http://host:port), once it has listened. */
  address(node: string): string | undefined {
    return this.listening.get(node)?.address;
  }

  /** Every node's address, by node. */
  addresses(): Record<string, string> {
    return Object.fromEntries([...this.listening].map(([node, { address }]) => [node, address]));
  }

  /** Resolves once every node in `nodes` has listened (or at `timeoutMs`, with what is known). */
  whenListening(nodes: readonly string[], timeoutMs: number): Promise<Record<string, string>> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!nodes.every((node) => this.listening.has(node))) return;
        finish();
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.addresses());
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  fromWorker(node: string, report: NodeApiReport): void {
    switch (report.type) {
      case 'api-listening':
        this.listening.set(node, { address: report.address, port: report.port });
        this.cluster.events.emit({ type: 'node-api', node, address: report.address, ...(report.note ? { note: report.note } : {}) });
        this.tellRunning(true);
        for (const waiter of this.waiters) waiter();
        return;
      case 'api-failed':
        this.cluster.events.emit({ type: 'node-api', node, address: null, note: report.error.slice(0, 400) });
        return;
      case 'api-relay':
        this.setup.touched();
        void this.relay(node, report.request).then((answer) => this.cluster.post(node, { type: 'api-answer', id: report.id, answer }));
        return;
      case 'client-events':
        this.setup.touched();
        for (const event of report.events) this.cluster.events.emit(event as UnstampedEvent);
        return;
    }
  }

  private async relay(node: string, request: RelayedVaultRequest): Promise<RelayedVaultAnswer> {
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const address = this.address(node);
    const answer = await this.setup.answer(node, {
      method: request.method,
      path: request.path,
      query: new URLSearchParams(request.query),
      token: request.token,
      ...(address ? { origin: address } : {}),
      ...(request.consistency !== undefined ? { consistency: request.consistency } : {}),
      viaNodePort: true,
      body: (limit) => (body.length > limit ? Promise.reject(new CommandError('too-large', `the body is ${body.length} bytes; the limit is ${limit}`)) : Promise.resolve(body)),
    }, request.trailingSlash);
    return { status: answer.status, ...(answer.json !== undefined ? { json: answer.json } : {}), ...(answer.bytes ? { bytes: answer.bytes } : {}), ...(answer.contentType ? { contentType: answer.contentType } : {}) };
  }

  /** Tells every running node which of its peers run (a node forwards only to a running leader). */
  private tellRunning(force: boolean): void {
    const running = this.cluster.nodeIds().filter((node) => this.cluster.isRunning(node));
    const key = running.join(',');
    if (key === this.told && !force) return;
    this.told = key;
    for (const node of running) this.cluster.post(node, { type: 'api-peers', running });
  }
}
