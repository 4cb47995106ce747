// The simulator's client: the operations the lab's gateway runs (shared/host/client-operations.ts),
// driven at once in virtual time — "waiting" means advancing the simulation: the host's ask() and
// waitForLeader() run the cluster's loop until an answer or the deadline.
import { ClientOperations, type ClientHost, type ClientPlan, type WriteRequest } from '../../host/client-operations.ts';
import type { Consistency } from '../../protocol/events.ts';
import type { NodeRequest, ReadQuery } from '../../node/protocol.ts';
import type { RequestOutcome } from '../../host/node-requests.ts';

export interface GatewayHost extends ClientHost {
  /** Advances the simulation until some node leads or the virtual deadline passes. */
  waitForLeader(deadline: number): string | null;
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

  write(request: WriteRequest): Record<string, unknown> {
    return this.drive(this.operations.write(request));
  }

  restore(image: string): Record<string, unknown> {
    return this.drive(this.operations.restore(image));
  }

  read(key: string, consistency: Consistency, node?: string, query: ReadQuery = { what: 'value' }): Record<string, unknown> {
    return this.drive(this.operations.read(key, consistency, node, query));
  }

  private drive(plan: ClientPlan): Record<string, unknown> {
    let step = plan.next();
    while (!step.done) {
      const need = step.value;
      step = plan.next('wait' in need ? this.host.waitForLeader(need.deadline) : this.host.ask(need.ask, need.request, need.timeoutMs));
    }
    return step.value;
  }
}
