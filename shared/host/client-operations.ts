// Client operations as a Vault client would make them, for both hosts: writes go to the leader (a
// follower's "not leader" answer names whom to ask), reads at a chosen consistency. Every operation
// ends in a definite result, a definite failure, or an honest "unknown" — never a false "failed"
// for a write that may have committed — and becomes a client-call / client-op event pair, the
// history the checkers read. Each operation is a generator of what it needs done (wait for a
// leader, ask a node: until-definite.ts); the lab's gateway runs it with promises in real time
// (server/cluster/client-gateway.ts), the simulator's at once in virtual time
// (shared/sim/cluster/gateway.ts), so the simulator tests the code the lab runs.
import { encodeCommand, KvCommandError, type KvCommand } from '../kv/commands.ts';
import { CommandError } from '../protocol/commands.ts';
import type { Consistency, UnstampedEvent } from '../protocol/events.ts';
import type { NodeRequest, ReadQuery } from '../node/protocol.ts';
import { describeClientOp, describeReadAnswer, recordClientOp, type ClientOpBase } from './client-op-record.ts';
import { SessionPool } from './session-pool.ts';
import { untilDefinite, type AttemptOutcome, type AttemptRoute, type AttemptStep } from './until-definite.ts';

export interface ClientHost {
  leader(): string | null;
  isRunning(node: string): boolean;
  /** Some running node, for stale reads when there is no leader. */
  anyRunning(): string | null;
  /** How long one attempt may take, in the deadline clock's ms. */
  attemptTimeoutMs(): number;
  emit(event: UnstampedEvent): void;
  /** The cluster's clock (virtual ms), for the history's start and end. */
  now(): number;
}

export interface ClientClocks {
  /** Deadlines: real ms (performance.now) in the lab, whose clock may be slowed or paused; virtual in the simulator. */
  readonly deadline: () => number;
  /** A write's time as the store records it (whole ms): the wall clock in the lab, virtual time in the simulator. */
  readonly storeTime: () => number;
}

export type WriteKind = 'put' | 'cas' | 'delete';
export interface WriteRequest {
  readonly op: WriteKind;
  readonly key: string;
  readonly value?: string;
  /** Vault KV v2 data object; when absent, `value` is written as {value}. */
  readonly data?: Record<string, unknown>;
  readonly cas?: number;
  readonly node?: string;
}

/** One operation: yields what it needs, is handed the answer, returns the result or throws a CommandError. */
export type ClientPlan = Generator<AttemptStep<NodeRequest>, Record<string, unknown>, string | null | AttemptOutcome>;

export class ClientOperations {
  private nextOpId = 1;
  private readonly sessions: SessionPool;

  constructor(
    private readonly host: ClientHost,
    private readonly clocks: ClientClocks,
    /** The client's name; its sessions are named after it. Retries of one write reuse its session. */
    readonly clientId: string,
  ) {
    this.sessions = new SessionPool(clientId);
  }

  *write(request: WriteRequest): ClientPlan {
    const { op, key, node } = request;
    const shownValue = request.value ?? (request.data ? JSON.stringify(request.data) : '');
    const base: ClientOpBase = { op, key, value: op === 'delete' ? null : shownValue, cas: request.cas ?? null, consistency: null, node: node ?? null };
    const shown = describeClientOp(base);
    const session = this.sessions.acquire();
    const { client, seq } = session;
    const time = this.clocks.storeTime();
    const command: KvCommand =
      op === 'delete'
        ? { op: 'delete', key, client, seq, time }
        : { op: 'put', key, data: request.data ?? { value: request.value ?? '' }, ...(request.cas !== undefined ? { cas: request.cas } : {}), client, seq, time };
    try {
      return yield* this.recorded(base, shown, this.writeOnce(command, shown, node));
    } finally {
      this.sessions.release(session);
    }
  }

  /** Replaces the store with a snapshot image, through the log (one entry, no client session).
   *  Not a client-op event: it is no read or write of one key, and the kv-reset events show it. */
  *restore(image: string): ClientPlan {
    const command = encodeCommand({ op: 'restore', image, time: this.clocks.storeTime() });
    const result = yield* this.untilDefinite({ kind: 'propose', command }, undefined, { redirect: true, failover: true });
    return { index: result['index'], keys: result['version'] };
  }

  *read(key: string, consistency: Consistency, node?: string, query: ReadQuery = { what: 'value' }): ClientPlan {
    // A stale read is served by whichever node is asked. Lease and ReadIndex reads need the
    // leader: without a chosen node, go where "not leader" points; a chosen node answers itself.
    const find = consistency !== 'stale' && node === undefined;
    const target = node ?? (consistency === 'stale' ? (this.host.leader() ?? this.host.anyRunning() ?? undefined) : undefined);
    // Metadata, versions and folder listings are reads too, but not of one value: not in the history.
    if (query.what !== 'value' || query.version !== undefined) {
      return yield* this.untilDefinite({ kind: 'read', key, consistency, query }, target, { redirect: find, failover: find });
    }
    const base: ClientOpBase = { op: 'get', key, value: null, cas: null, consistency, node: node ?? null };
    const shown = describeClientOp(base);
    const self = this;
    return yield* this.recorded(base, shown, (function* (): ClientPlan {
      const result = yield* self.untilDefinite({ kind: 'read', key, consistency }, target, { redirect: find, failover: find });
      const value = typeof result['value'] === 'string' ? result['value'] : null;
      return { ...result, detail: `${shown} → ${describeReadAnswer(value, result['version'])}` };
    })());
  }

  private *writeOnce(command: KvCommand, shown: string, node: string | undefined): ClientPlan {
    let encoded: string;
    try {
      encoded = encodeCommand(command);
    } catch (error) {
      // An oversized or malformed value is the client's mistake, said before anything is proposed.
      if (error instanceof KvCommandError) throw new CommandError('bad-request', error.message);
      throw error;
    }
    // A write sent to a node is forwarded to the leader that node names (as a Vault standby does),
    // but if that leader cannot commit in time the client hears so: it chose that node.
    const result = yield* this.untilDefinite({ kind: 'propose', command: encoded }, node, { redirect: true, failover: node === undefined });
    return { ...result, detail: `${shown}: committed at index ${String(result['index'])}` };
  }

  /** Runs an operation and records it as a client-op event, whatever the outcome. */
  private *recorded(base: ClientOpBase, shown: string, run: ClientPlan): ClientPlan {
    const op = recordClientOp(this.host, this.clientId, this.nextOpId++, base, shown);
    try {
      return op.succeeded(yield* run);
    } catch (error) {
      op.failed(error);
      throw error;
    }
  }

  private untilDefinite(request: NodeRequest, preferred: string | undefined, route: AttemptRoute): ClientPlan {
    return untilDefinite(this.host, this.clocks.deadline, request, preferred, route);
  }
}
