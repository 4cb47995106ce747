// The client a node's own API port runs, inside the node's worker: the lab's client gateway (the
// same operations and retry rules as the main thread's, client-gateway.ts), asking the node itself
// through its runtime and any other node (its leader) with a Forward message on the bus. What it
// knows of the cluster is what a node knows: who it believes leads (its core's status) and which
// peers run (told by the main thread).
import type { NodeRuntime } from '../../../shared/node/node-runtime.ts';
import type { UnstampedEvent } from '../../../shared/protocol/events.ts';
import { ClientGateway, type NodeAsker } from '../client-gateway.ts';
import type { RequestOutcome, WorkerRequest } from '../worker-requests.ts';

export interface NodeClientParts {
  readonly self: string;
  readonly runtime: () => NodeRuntime;
  /** Runs the node's host loop soon (the worker's flush), so a request submitted now is decided. */
  readonly wake: () => void;
  readonly attemptTimeoutMs: () => number;
  /** The lab clock's virtual ms (clock-cell.ts), for the history's start and end. */
  readonly now: () => number;
  readonly emit: (event: UnstampedEvent) => void;
}

const noAnswer = (node: string): RequestOutcome => ({ ok: false, code: 'unknown', error: `${node} did not answer in time` });

export class NodeClient implements NodeAsker {
  readonly gateway: ClientGateway;
  private running: ReadonlySet<string> = new Set();
  /** Waits re-checked whenever the node's state may have moved (after each flush, on peer news). */
  private readonly waiters = new Set<() => boolean>();

  constructor(
    private readonly parts: NodeClientParts,
    clientId: string,
  ) {
    const { self } = parts;
    this.gateway = new ClientGateway(
      {
        requests: this,
        leader: () => this.leader(),
        isRunning: (node) => node === self || this.running.has(node),
        anyRunning: () => self,
        waitForLeader: (deadline) => this.waitFor(deadline, () => this.leader()),
        waitForApplied: async (node, index, deadline) => (await this.waitFor(deadline, () => node === self && parts.runtime().appliedIndex >= index)) === true,
        attemptTimeoutMs: parts.attemptTimeoutMs,
        emit: parts.emit,
        now: parts.now,
      },
      clientId,
    );
  }

  /** The leader this node believes in, if it runs (a dead leader's name leads nowhere). */
  leader(): string | null {
    const leader = this.parts.runtime().raftStatus().leader;
    return leader !== null && (leader === this.parts.self || this.running.has(leader)) ? leader : null;
  }

  /** The main thread's news of which peers run. */
  setRunning(running: readonly string[]): void {
    this.running = new Set(running);
    this.recheck();
  }

  /** The node's host loop ran: a leader may be known, an index applied. */
  recheck(): void {
    for (const waiter of this.waiters) if (waiter()) this.waiters.delete(waiter);
  }

  send(node: string, request: WorkerRequest, timeoutMs: number): Promise<RequestOutcome> {
    const { runtime, self, wake } = this.parts;
    return new Promise((resolve) => {
      let settled = false;
      let cancel: () => void = () => {};
      const timer = setTimeout(() => answer(noAnswer(node)), Math.max(0, timeoutMs));
      const answer = (outcome: RequestOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        cancel();
        resolve(outcome);
      };
      if (node === self) cancel = runtime().ask(request, answer);
      else if (request.kind === 'propose' || request.kind === 'read') cancel = runtime().forward(node, request, answer);
      else return answer({ ok: false, code: 'bad-request', error: `a node forwards only client reads and writes, not ${request.kind}` });
      wake();
    });
  }

  private waitFor<T>(deadline: number, probe: () => T | null | false): Promise<T | null> {
    const now = probe();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), Math.max(0, deadline - performance.now()));
      const waiter = (): boolean => {
        const value = probe();
        if (value) done(value);
        return Boolean(value);
      };
      const done = (value: T | null): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(value);
      };
      this.waiters.add(waiter);
    });
  }
}
