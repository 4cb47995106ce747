// Client operations as a Vault client would make them, for both hosts: writes go to the leader (a
// follower's "not leader" answer names whom to ask), reads at a chosen consistency. Every operation
// ends in a definite result, a definite failure, or an honest "unknown" — never a false "failed"
// for a write that may have committed — and becomes a client-call / client-op event pair, the
// history the checkers read. Each operation is a generator of what it needs done (wait for a
// leader, ask a node: until-definite.ts); the lab's gateway runs it with promises in real time
// (server/cluster/client-gateway.ts), the simulator's at once in virtual time
// (shared/sim/cluster/gateway.ts), so the simulator tests the code the lab runs.
import { encodeCommand, KvCommandError, type KvCommand } from '../kv/commands.ts';
import { CommandError } from '../protocol/command-error.ts';
import type { Consistency, UnstampedEvent } from '../protocol/events.ts';
import type { NodeRequest } from '../node/protocol.ts';
import type { ListResult, MetadataResult, ReadResult, RestoreResult, WriteResult } from '../protocol/command-results.ts';
import { showValue } from './entry-view.ts';
import { describeClientOp, describeReadAnswer, recordClientOp, type ClientOpBase } from './client-op-record.ts';
import { SessionPool } from './session-pool.ts';
import { untilDefinite, type AttemptRoute, type AttemptStep, type StepAnswer } from './until-definite.ts';

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
  readonly data?: Readonly<Record<string, unknown>>;
  readonly cas?: number;
  readonly node?: string;
}

/** One operation: yields what it needs, is handed the answer, returns the result or throws a CommandError. */
export type ClientPlan<T> = Generator<AttemptStep<NodeRequest>, T, StepAnswer>;

/** Where a read goes and whether "not leader" may send it elsewhere. */
interface ReadRoute {
  readonly target: string | undefined;
  readonly route: AttemptRoute;
}

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

  *write(request: WriteRequest): ClientPlan<WriteResult> {
    const { op, key, node } = request;
    const shownValue = request.value ?? (request.data ? showValue(request.data) : '');
    const base: ClientOpBase = { op, key, value: op === 'delete' ? null : shownValue, cas: request.cas ?? null, consistency: null, node: node ?? null };
    const shown = describeClientOp(base);
    const session = this.sessions.acquire();
    const { client, seq } = session;
    const time = this.clocks.storeTime();
    const command: Exclude<KvCommand, { op: 'restore' }> =
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
  *restore(image: string): ClientPlan<RestoreResult> {
    const command = encodeCommand({ op: 'restore', image, time: this.clocks.storeTime() });
    const result = yield* untilDefinite(this.host, this.clocks.deadline, { kind: 'propose', command }, undefined, { redirect: true, failover: true });
    return { index: result.index, keys: result.version ?? 0 };
  }

  /** A read of a key's latest value: a client operation in the history the checkers read. */
  *read(key: string, consistency: Consistency, node?: string): ClientPlan<ReadResult> {
    const { target, route } = this.readRoute(consistency, node);
    const base: ClientOpBase = { op: 'get', key, value: null, cas: null, consistency, node: node ?? null };
    const shown = describeClientOp(base);
    const self = this;
    return yield* this.recorded(base, shown, (function* (): ClientPlan<ReadResult & { detail: string }> {
      const result = yield* untilDefinite(self.host, self.clocks.deadline, { kind: 'read', key, consistency }, target, route);
      return { ...result, detail: `${shown} → ${describeReadAnswer(result.value, result.version)}` };
    })());
  }

  // Older versions, metadata and folder listings are reads too, but not of one value: not in the history.

  /** One kept version of a key (Vault's ?version=N). */
  *readVersion(key: string, version: number, consistency: Consistency, node?: string): ClientPlan<ReadResult> {
    const { target, route } = this.readRoute(consistency, node);
    return yield* untilDefinite(this.host, this.clocks.deadline, { kind: 'read', key, consistency, query: { what: 'value', version } }, target, route);
  }

  /** A key's Vault metadata. */
  *readMetadata(key: string, consistency: Consistency, node?: string): ClientPlan<MetadataResult> {
    const { target, route } = this.readRoute(consistency, node);
    return yield* untilDefinite(this.host, this.clocks.deadline, { kind: 'read', key, consistency, query: { what: 'metadata' } }, target, route);
  }

  /** A folder's children (Vault's LIST). */
  *list(prefix: string, consistency: Consistency, node?: string): ClientPlan<ListResult> {
    const { target, route } = this.readRoute(consistency, node);
    return yield* untilDefinite(this.host, this.clocks.deadline, { kind: 'read', key: prefix, consistency, query: { what: 'list' } }, target, route);
  }

  private readRoute(consistency: Consistency, node: string | undefined): ReadRoute {
    // A stale read is served by whichever node is asked. Lease and ReadIndex reads need the
    // leader: without a chosen node, go where "not leader" points; a chosen node answers itself.
    const find = consistency !== 'stale' && node === undefined;
    const target = node ?? (consistency === 'stale' ? (this.host.leader() ?? this.host.anyRunning() ?? undefined) : undefined);
    return { target, route: { redirect: find, failover: find } };
  }

  private *writeOnce(command: Exclude<KvCommand, { op: 'restore' }>, shown: string, node: string | undefined): ClientPlan<WriteResult & { detail: string }> {
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
    const result = yield* untilDefinite(this.host, this.clocks.deadline, { kind: 'propose', command: encoded }, node, { redirect: true, failover: node === undefined });
    const committed = `${shown}: committed at index ${result.index}`;
    if (node === undefined || result.node === node) return { ...result, key: command.key, detail: committed };
    // Read your writes on a node's URL: the node that forwarded the write answers once it has
    // applied it itself, so its own stale read that follows sees it. Committed is committed: if it
    // has not caught up within an attempt, the client hears that it was, and that the node lags.
    const applied = (yield { wait: 'applied', node, index: result.index, deadline: this.clocks.deadline() + this.host.attemptTimeoutMs() }) as boolean;
    return { ...result, key: command.key, detail: applied ? `${committed}, applied on ${node}` : `${committed}; ${node} had not applied it after one attempt` };
  }

  /** Runs an operation and records it as a client-op event, whatever the outcome. */
  private *recorded<T extends { readonly detail: string }>(base: ClientOpBase, shown: string, run: ClientPlan<T>): ClientPlan<Omit<T, 'detail'>> {
    const op = recordClientOp(this.host, this.clientId, this.nextOpId++, base, shown);
    try {
      return op.succeeded(yield* run);
    } catch (error) {
      op.failed(error);
      throw error;
    }
  }
}
