// The lab's client: the operations of shared/host/client-operations.ts (the simulator runs the
// same ones), driven in real time with promises — an attempt waits for a worker's answer or its
// timer, a leaderless moment for the cluster to name a leader. The main thread runs one per
// cluster; each node's own API port runs one inside the node's worker (node-api/node-client.ts).
import { ClientOperations, type ClientPlan, type WriteKind, type WriteRequest } from '../../shared/host/client-operations.ts';
import type { Consistency, UnstampedEvent } from '../../shared/protocol/events.ts';
import type { RequestOutcome, WorkerRequest } from './worker-requests.ts';
import type { ListResult, MetadataResult, ReadResult, RestoreResult, WriteResult } from '../../shared/protocol/command-results.ts';

export type { WriteKind, WriteRequest };

/** How the gateway asks a node: the main thread through its worker requests, a node's own port
 *  through its runtime (itself) or a Forward message (another node). */
export interface NodeAsker {
  send(node: string, request: WorkerRequest, timeoutMs: number): Promise<RequestOutcome>;
}

export interface GatewayHost {
  readonly requests: NodeAsker;
  leader(): string | null;
  isRunning(node: string): boolean;
  /** Some running node, for stale reads when there is no leader. */
  anyRunning(): string | null;
  /** Resolves with the leader once there is one, or null at `deadline` (performance.now() ms). */
  waitForLeader(deadline: number): Promise<string | null>;
  /** Resolves true once `node` reports it has applied `index`, or false at `deadline`. */
  waitForApplied(node: string, index: number, deadline: number): Promise<boolean>;
  /** Real milliseconds one attempt may take (scaled by the clock speed). */
  attemptTimeoutMs(): number;
  emit(event: UnstampedEvent): void;
  /** The lab clock (virtual ms: slowed or paused with the lab), for the history's start and end. */
  now(): number;
}

export class ClientGateway {
  private readonly operations: ClientOperations;

  constructor(
    private readonly host: GatewayHost,
    /** The lab client's name; its sessions are named after it. Retries of one write reuse its session. */
    readonly clientId: string,
  ) {
    this.operations = new ClientOperations(host, { deadline: () => performance.now(), storeTime: () => Date.now() }, clientId);
  }

  write(request: WriteRequest): Promise<WriteResult> {
    return this.drive(this.operations.write(request));
  }

  restore(image: string): Promise<RestoreResult> {
    return this.drive(this.operations.restore(image));
  }

  read(key: string, consistency: Consistency, node?: string, version?: number): Promise<ReadResult> {
    return this.drive(version === undefined ? this.operations.read(key, consistency, node) : this.operations.readVersion(key, version, consistency, node));
  }

  readMetadata(key: string, consistency: Consistency, node?: string): Promise<MetadataResult> {
    return this.drive(this.operations.readMetadata(key, consistency, node));
  }

  list(prefix: string, consistency: Consistency, node?: string): Promise<ListResult> {
    return this.drive(this.operations.list(prefix, consistency, node));
  }

  private async drive<T>(plan: ClientPlan<T>): Promise<T> {
    let step = plan.next();
    while (!step.done) {
      const need = step.value;
      if ('ask' in need) step = plan.next(await this.host.requests.send(need.ask, need.request, need.timeoutMs));
      else step = plan.next(need.wait === 'leader' ? await this.host.waitForLeader(need.deadline) : await this.host.waitForApplied(need.node, need.index, need.deadline));
    }
    return step.value;
  }
}
