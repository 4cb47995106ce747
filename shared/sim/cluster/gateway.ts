// The simulator's client: the operations the lab's gateway runs (shared/host/client-operations.ts),
// driven at once in virtual time — "waiting" means advancing the simulation: the host's ask() and
// waitForLeader() run the cluster's loop until an answer or the deadline.
import { ClientOperations, type ClientHost, type ClientPlan, type WriteRequest } from '../../host/client-operations.ts';
import type { Consistency } from '../../protocol/events.ts';
import type { NodeRequest } from '../../node/protocol.ts';
import type { ListResult, MetadataResult, ReadResult, RestoreResult, WriteResult } from '../../protocol/command-results.ts';
import type { RequestOutcome } from '../../host/node-requests.ts';

export interface GatewayHost extends ClientHost {
  /** Advances the simulation until some node leads or the virtual deadline passes. */
  waitForLeader(deadline: number): string | null;
  /** Advances the simulation until `node` has applied `index` (true) or the deadline passes (false). */
  waitForApplied(node: string, index: number, deadline: number): boolean;
  /** Sends a request and advances the simulation until it has an outcome (or times out). */
  ask(node: string, request: NodeRequest, timeoutMs: number): RequestOutcome;
}

export class SimGateway {
  private readonly operations: ClientOperations;

  constructor(
    private readonly host: GatewayHost,
    readonly clientId: string,
  ) {
    // The store wants whole milliseconds (the lab sends the wall clock's); virtual ones here.
    this.operations = new ClientOperations(host, { deadline: () => host.now(), storeTime: () => Math.floor(host.now()) }, clientId);
  }

  write(request: WriteRequest): WriteResult {
    return this.drive(this.operations.write(request));
  }

  restore(image: string): RestoreResult {
    return this.drive(this.operations.restore(image));
  }

  read(key: string, consistency: Consistency, node?: string, version?: number): ReadResult {
    return this.drive(version === undefined ? this.operations.read(key, consistency, node) : this.operations.readVersion(key, version, consistency, node));
  }

  readMetadata(key: string, consistency: Consistency, node?: string): MetadataResult {
    return this.drive(this.operations.readMetadata(key, consistency, node));
  }

  list(prefix: string, consistency: Consistency, node?: string): ListResult {
    return this.drive(this.operations.list(prefix, consistency, node));
  }

  private drive<T>(plan: ClientPlan<T>): T {
    let step = plan.next();
    while (!step.done) {
      const need = step.value;
      if ('ask' in need) step = plan.next(this.host.ask(need.ask, need.request, need.timeoutMs));
      else step = plan.next(need.wait === 'leader' ? this.host.waitForLeader(need.deadline) : this.host.waitForApplied(need.node, need.index, need.deadline));
    }
    return step.value;
  }
}
