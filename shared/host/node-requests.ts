// Requests to a node that expect an answer (client operations, membership changes, snapshots, disk
// queries), each with a deadline, for both hosts: the lab's workers (deadlines in real ms, a timer
// each: server/cluster/worker-requests.ts) and the simulator's nodes (deadlines in virtual ms, the
// loop stops at the next one). A node that dies takes its open requests with it: they end as
// "unknown", since the node may have acted on them before it went down. Nothing here waits.
import type { ClientOutcome, ClientRequest, NodeRequest } from '../node/protocol.ts';
import type { AnswerTo } from '../node/answers.ts';
import { CommandError } from '../protocol/command-error.ts';

export type RequestOutcome = ClientOutcome | { readonly ok: false; readonly code: 'unknown'; readonly error: string };

/** A node's answer to `request`, or the CommandError its failure means (no answer in time: a
 *  timeout; not the leader; anything else the node refused: a conflict). Both hosts ask through this. */
export function answerTo<R extends NodeRequest>(_request: R, outcome: RequestOutcome): AnswerTo<R> {
  // Our runtime answers each kind with its own shape (answers.ts); a foreign node never answers here.
  if (outcome.ok) return outcome.value as AnswerTo<R>;
  throw new CommandError(outcome.code === 'unknown' ? 'timeout' : outcome.code === 'not-leader' ? 'not-leader' : 'conflict', outcome.error);
}

export class PendingRequest {
  outcome: RequestOutcome | null = null;

  constructor(
    readonly id: number,
    readonly node: string,
    /** In the host's own milliseconds (`now`). */
    readonly deadline: number,
    readonly onDone: ((outcome: RequestOutcome) => void) | undefined,
  ) {}
}

export class NodeRequests {
  private readonly open = new Map<number, PendingRequest>();
  private nextId = 1;

  constructor(
    /** Hands the request to the node; false when the node is not running. */
    private readonly post: (node: string, request: ClientRequest) => boolean,
    private readonly now: () => number,
  ) {}

  send(node: string, request: NodeRequest, timeoutMs: number, onDone?: (outcome: RequestOutcome) => void): PendingRequest {
    const pending = new PendingRequest(this.nextId++, node, this.now() + Math.max(0, timeoutMs), onDone);
    this.open.set(pending.id, pending);
    if (!this.post(node, { ...request, requestId: pending.id })) this.finish(pending, { ok: false, code: 'unknown', error: `${node} is down` });
    return pending;
  }

  resolve(requestId: number, outcome: ClientOutcome): void {
    const pending = this.open.get(requestId);
    if (pending) this.finish(pending, outcome);
  }

  failNode(node: string, error: string): void {
    for (const pending of [...this.open.values()]) if (pending.node === node) this.finish(pending, { ok: false, code: 'unknown', error });
  }

  /** The earliest deadline of an open request (the simulator's loop stops there to expire it). */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const pending of this.open.values()) if (next === undefined || pending.deadline < next) next = pending.deadline;
    return next;
  }

  /** Requests past their deadline end as "did not answer in time". */
  expire(now: number): void {
    for (const pending of [...this.open.values()]) if (pending.deadline <= now) this.timeOut(pending);
  }

  /** Ends one request as "did not answer in time" (the lab's timer for it fired). */
  timeOut(pending: PendingRequest): void {
    this.finish(pending, { ok: false, code: 'unknown', error: `${pending.node} did not answer in time` });
  }

  private finish(pending: PendingRequest, outcome: RequestOutcome): void {
    if (pending.outcome !== null) return;
    this.open.delete(pending.id);
    pending.outcome = outcome;
    pending.onDone?.(outcome);
  }
}
