// Requests to a node's worker that expect an answer (shared/host/node-requests.ts keeps them), as
// promises with a real timer each: the lab waits in real time, the simulator in virtual time.
import { NodeRequests, type RequestOutcome } from '../../shared/host/node-requests.ts';
import type { ClientOutcome, ClientRequest, NodeRequest } from '../../shared/node/protocol.ts';
import { monotonicMs } from './tick-cell.ts';

export type { RequestOutcome };
export type WorkerRequest = NodeRequest;

export class WorkerRequests {
  private readonly table: NodeRequests;

  constructor(post: (node: string, request: ClientRequest) => boolean) {
    this.table = new NodeRequests(post, monotonicMs);
  }

  send(node: string, request: WorkerRequest, timeoutMs: number): Promise<RequestOutcome> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const pending = this.table.send(node, request, timeoutMs, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
      if (pending.outcome === null) timer = setTimeout(() => this.table.timeOut(pending), Math.max(0, timeoutMs));
    });
  }

  resolve(requestId: number, outcome: ClientOutcome): void {
    this.table.resolve(requestId, outcome);
  }

  failNode(node: string, error: string): void {
    this.table.failNode(node, error);
  }
}
