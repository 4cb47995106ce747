// Requests to a node's worker that expect an answer (client operations, membership changes,
// snapshots, disk queries), each with a deadline. A node that dies takes its open requests with
// it: they end as "unknown", since the node may have acted on them before it went down.
import type { ClientOutcome, ClientRequest } from './worker-protocol.ts';

export type RequestOutcome = ClientOutcome | { readonly ok: false; readonly code: 'unknown'; readonly error: string };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type WorkerRequest = DistributiveOmit<ClientRequest, 'requestId'>;

interface Open {
  readonly node: string;
  readonly finish: (outcome: RequestOutcome) => void;
}

export class WorkerRequests {
  private readonly open = new Map<number, Open>();
  private nextId = 1;

  constructor(private readonly post: (node: string, request: ClientRequest) => boolean) {}

  send(node: string, request: WorkerRequest, timeoutMs: number): Promise<RequestOutcome> {
    const requestId = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish({ ok: false, code: 'unknown', error: `${node} did not answer in time` }), Math.max(0, timeoutMs));
      const finish = (outcome: RequestOutcome): void => {
        clearTimeout(timer);
        this.open.delete(requestId);
        resolve(outcome);
      };
      this.open.set(requestId, { node, finish });
      if (!this.post(node, { ...request, requestId } as ClientRequest)) finish({ ok: false, code: 'unknown', error: `${node} is down` });
    });
  }

  resolve(requestId: number, outcome: ClientOutcome): void {
    this.open.get(requestId)?.finish(outcome);
  }

  failNode(node: string, error: string): void {
    for (const open of [...this.open.values()]) if (open.node === node) open.finish({ ok: false, code: 'unknown', error });
  }
}
