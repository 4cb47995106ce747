// The seed simulator's client load, made by the lab's own client: a few workers, one operation
// outstanding each, writing and reading a few keys through shared/host/client-operations.ts — the
// session per write, the routing, the retry rules of until-definite.ts and the client-call /
// client-op record the lab's gateway uses. So the simulator's seeds test the client code the lab
// runs, and the history its linearizability check reads is built from those events by the page's
// own builder (shared/protocol/client-history.ts). Driven one tick at a time: an answer that
// arrives (or a deadline that passes, or a node that dies) is taken up at the worker's next tick.
import type { Op } from '../check/index.ts';
import { ClientOperations, type ClientPlan } from '../host/client-operations.ts';
import type { AttemptOutcome, AttemptStep } from '../host/until-definite.ts';
import { randomInt, type Prng } from '../net/index.ts';
import type { ClientOutcome, NodeRequest } from '../node/protocol.ts';
import type { ClusterEvent, UnstampedEvent } from '../protocol/events.ts';
import { historyOf } from '../protocol/client-history.ts';

/** Share of reads that ask for a lease read (a leader without one refuses; the client retries). */
const LEASE_SHARE = 0.3;

/** How clients read: 'linearizable' = ReadIndex or a leader lease; 'local' = any node's state
 *  machine as it is (stale reads, used to show that the linearizability checker catches them). */
export type ReadMode = 'linearizable' | 'local';

/** The cluster as the client sees it. */
export interface LoadCluster {
  readonly ids: readonly string[];
  isUp(node: string): boolean;
  /** The node that leads now, if one does (the lab's gateway knows its cluster's leader too). */
  leader(): string | null;
  /** Sends a request; `answer` hears its outcome, perhaps before send returns. False if the node is down. */
  send(node: string, request: NodeRequest, answer: (outcome: ClientOutcome) => void): boolean;
  nowMs(): number;
  /** The run's event stream, when it is recorded (client operations then show on the page). */
  emit?(event: UnstampedEvent): void;
}

interface Worker {
  plan: ClientPlan<unknown> | null;
  need: AttemptStep<NodeRequest> | null;
  /** The ask in flight: its number (a late answer to an older one is ignored) and deadline. */
  ask: { readonly serial: number; readonly node: string; readonly deadline: number; readonly lease: boolean } | null;
  /** The answer to hand the plan at the next tick. */
  inbox: AttemptOutcome | null;
  /** Whether the current operation ended with an answer (for the liveness probe). */
  answered: boolean;
  probe: boolean;
}

export class ClientLoad {
  private readonly events: ClusterEvent[] = [];
  private readonly client: ClientOperations;
  private readonly workers: Worker[];
  private serial = 0;
  private seq = 0;
  /** Reads answered from a leader's lease (no ReadIndex round): an interesting state reached. */
  leaseReads = 0;

  constructor(
    private readonly rng: Prng,
    workers: number,
    private readonly keys: readonly string[],
    private readonly cluster: LoadCluster,
    /** Virtual ms one attempt may take (the lab's rule: four election timeouts). */
    attemptTimeoutMs: number,
    private readonly reads: ReadMode = 'linearizable',
  ) {
    this.client = new ClientOperations(
      {
        leader: () => cluster.leader(),
        isRunning: (node) => cluster.isUp(node),
        anyRunning: () => cluster.ids.find((id) => cluster.isUp(id)) ?? null,
        attemptTimeoutMs: () => attemptTimeoutMs,
        emit: (event) => this.record(event),
        now: () => cluster.nowMs(),
      },
      { deadline: () => cluster.nowMs(), storeTime: () => Math.floor(cluster.nowMs()) },
      'sim',
    );
    this.workers = Array.from({ length: workers }, () => ({ plan: null, need: null, ask: null, inbox: null, answered: false, probe: false }));
  }

  /** The history for the linearizability checker: the page's builder over the client events. */
  get ops(): Op[] {
    return historyOf(this.events);
  }

  get outstanding(): number {
    return this.workers.filter((worker) => worker.plan !== null).length;
  }

  tick(rate: number): void {
    for (const worker of this.workers) {
      if (worker.plan === null) {
        if (!worker.probe && this.rng() < rate) this.begin(worker, this.randomPlan());
        continue;
      }
      this.advance(worker);
    }
  }

  /** Starts the liveness phase's probe write on the first worker, unless it is busy. */
  startProbe(tick: number): boolean {
    const worker = this.workers[0]!;
    if (worker.plan !== null) return false;
    worker.probe = true;
    this.begin(worker, this.client.write({ op: 'put', key: 'liveness-probe', value: JSON.stringify({ probe: tick }) }));
    return true;
  }

  /** The probe: 'running', 'answered' (it committed) or 'failed' (it ended without an answer; start another). */
  probeState(): 'running' | 'answered' | 'failed' | 'none' {
    const worker = this.workers[0]!;
    if (!worker.probe) return 'none';
    if (worker.plan !== null) return 'running';
    return worker.answered ? 'answered' : 'failed';
  }

  /** A node went down: what was asked of it ends "unknown" (it may have acted first), as in the lab. */
  crashed(node: string): void {
    for (const worker of this.workers) {
      if (worker.ask?.node === node && worker.inbox === null) worker.inbox = { ok: false, code: 'unknown', error: `${node} is down` };
    }
  }

  private randomPlan(): ClientPlan<unknown> {
    const key = this.keys[randomInt(this.rng, 0, this.keys.length - 1)]!;
    const r = this.rng();
    const value = JSON.stringify({ n: ++this.seq });
    if (r < 0.4) {
      if (this.reads === 'local') return this.client.read(key, 'stale', this.randomUpNode() ?? undefined);
      return this.client.read(key, this.rng() < LEASE_SHARE ? 'lease' : 'linearizable');
    }
    if (r < 0.75) return this.client.write({ op: 'put', key, value });
    if (r < 0.9) return this.client.write({ op: 'put', key, value, cas: this.rng() < 0.3 ? 0 : randomInt(this.rng, 1, 3) });
    return this.client.write({ op: 'delete', key });
  }

  private randomUpNode(): string | null {
    const up = this.cluster.ids.filter((id) => this.cluster.isUp(id));
    return up.length === 0 ? null : up[randomInt(this.rng, 0, up.length - 1)]!;
  }

  private begin(worker: Worker, plan: ClientPlan<unknown>): void {
    worker.plan = plan;
    worker.answered = false;
    this.resume(worker, () => plan.next());
  }

  /** Hands the plan what it waits for, if that has come. */
  private advance(worker: Worker): void {
    const need = worker.need;
    if (need === null) return;
    if ('wait' in need) {
      const leader = this.cluster.leader();
      if (leader !== null || this.cluster.nowMs() >= need.deadline) this.resume(worker, () => worker.plan!.next(leader));
      return;
    }
    if (worker.inbox === null && worker.ask !== null && this.cluster.nowMs() >= worker.ask.deadline) {
      worker.inbox = { ok: false, code: 'unknown', error: `${worker.ask.node} did not answer in time` };
    }
    const answer = worker.inbox;
    if (answer === null) return;
    if (answer.ok && worker.ask?.lease) this.leaseReads += 1;
    worker.inbox = null;
    worker.ask = null;
    this.resume(worker, () => worker.plan!.next(answer));
  }

  private resume(worker: Worker, step: () => IteratorResult<AttemptStep<NodeRequest>, unknown>): void {
    let result: IteratorResult<AttemptStep<NodeRequest>, unknown>;
    try {
      result = step();
    } catch {
      // A definite failure or an honest "unknown": the client-op event says which.
      this.end(worker, false);
      return;
    }
    if (result.done) return this.end(worker, true);
    const need = result.value;
    worker.need = need;
    if ('ask' in need) this.send(worker, need);
  }

  private send(worker: Worker, need: Extract<AttemptStep<NodeRequest>, { ask: string }>): void {
    const serial = ++this.serial;
    const lease = need.request.kind === 'read' && need.request.consistency === 'lease';
    worker.ask = { serial, node: need.ask, deadline: this.cluster.nowMs() + need.timeoutMs, lease };
    const sent = this.cluster.send(need.ask, need.request, (outcome) => {
      if (worker.ask?.serial === serial && worker.inbox === null) worker.inbox = outcome;
    });
    if (!sent && worker.inbox === null) worker.inbox = { ok: false, code: 'unknown', error: `${need.ask} is down` };
  }

  private end(worker: Worker, answered: boolean): void {
    worker.plan = null;
    worker.need = null;
    worker.ask = null;
    worker.inbox = null;
    worker.answered = answered;
  }

  private record(event: UnstampedEvent): void {
    this.events.push({ ...event, seq: this.events.length + 1, time: this.cluster.nowMs() } as ClusterEvent);
    this.cluster.emit?.(event);
  }
}
