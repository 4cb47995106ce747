// Client operations as a Vault client would make them: writes go to the leader (a follower's
// "not leader" answer names whom to ask), reads at a chosen consistency. Every operation ends in a
// definite result, a definite failure, or an honest "unknown" — never a false "failed" for a write
// that may have committed — and becomes a client-op event, the history the checkers read.
import { encodeCommand, KvCommandError, type KvCommand } from '../../shared/kv/commands.ts';
import { CommandError } from '../../shared/protocol/commands.ts';
import { untilDefinite, type AttemptRoute } from '../../shared/host/until-definite.ts';
import { describeClientOp, describeReadAnswer, recordClientOp, type ClientOpBase } from '../../shared/host/client-op-record.ts';
import type { Consistency, UnstampedEvent } from '../../shared/protocol/events.ts';
import type { WorkerRequest, WorkerRequests } from './worker-requests.ts';
import type { ReadQuery } from './worker-protocol.ts';
import { SessionPool } from './session-pool.ts';

export interface GatewayHost {
  readonly requests: WorkerRequests;
  leader(): string | null;
  isRunning(node: string): boolean;
  /** Some running node, for stale reads when there is no leader. */
  anyRunning(): string | null;
  /** Resolves with the leader once there is one, or null at `deadline` (performance.now() ms). */
  waitForLeader(deadline: number): Promise<string | null>;
  /** Real milliseconds one attempt may take (scaled by the clock speed). */
  attemptTimeoutMs(): number;
  emit(event: UnstampedEvent): void;
  /** The lab clock (virtual ms: slowed or paused with the lab), for the history's start and end. */
  now(): number;
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

export class ClientGateway {
  private nextOpId = 1;
  private readonly sessions: SessionPool;

  constructor(
    private readonly host: GatewayHost,
    /** The lab client's name; its sessions are named after it. Retries of one write reuse its session. */
    readonly clientId: string,
  ) {
    this.sessions = new SessionPool(clientId);
  }

  async write(request: WriteRequest): Promise<Record<string, unknown>> {
    const { op, key, node } = request;
    const session = this.sessions.acquire();
    const { client, seq } = session;
    const time = Date.now();
    const command: KvCommand =
      op === 'delete'
        ? { op: 'delete', key, client, seq, time }
        : { op: 'put', key, data: request.data ?? { value: request.value ?? '' }, ...(request.cas !== undefined ? { cas: request.cas } : {}), client, seq, time };
    const shownValue = request.value ?? (request.data ? JSON.stringify(request.data) : '');
    const base: ClientOpBase = { op, key, value: op === 'delete' ? null : shownValue, cas: request.cas ?? null, consistency: null, node: node ?? null };
    const shown = describeClientOp(base);
    return this.recorded(
      base,
      shown,
      async () => {
        try {
          return await this.writeOnce(command, shown, node);
        } finally {
          this.sessions.release(session);
        }
      },
    );
  }

  private async writeOnce(command: KvCommand, shown: string, node: string | undefined): Promise<Record<string, unknown>> {
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
    const result = await this.untilDefinite({ kind: 'propose', command: encoded }, node, { redirect: true, failover: node === undefined });
    return { ...result, detail: `${shown}: committed at index ${String(result['index'])}` };
  }

  /** Replaces the store with a snapshot image, through the log (one entry, no client session).
   *  Not a client-op event: it is no read or write of one key, and the kv-reset events show it. */
  async restore(image: string): Promise<Record<string, unknown>> {
    const command = encodeCommand({ op: 'restore', image, time: Date.now() });
    const result = await this.untilDefinite({ kind: 'propose', command }, undefined, { redirect: true, failover: true });
    return { index: result['index'], keys: result['version'] };
  }

  async read(key: string, consistency: Consistency, node?: string, query: ReadQuery = { what: 'value' }): Promise<Record<string, unknown>> {
    // Metadata and folder listings are reads too, but not of one value: not in the client history.
    if (query.what !== 'value' || query.version !== undefined) return this.readOther(key, consistency, node, query);
    const base: ClientOpBase = { op: 'get', key, value: null, cas: null, consistency, node: node ?? null };
    const shown = describeClientOp(base);
    return this.recorded(base, shown, async () => {
      // A stale read is served by whichever node is asked. Lease and ReadIndex reads need the
      // leader: without a chosen node, go where "not leader" points; a chosen node answers itself.
      const find = consistency !== 'stale' && node === undefined;
      const target = node ?? (consistency === 'stale' ? (this.host.leader() ?? this.host.anyRunning() ?? undefined) : undefined);
      const result = await this.untilDefinite({ kind: 'read', key, consistency }, target, { redirect: find, failover: find });
      const value = typeof result['value'] === 'string' ? result['value'] : null;
      return { ...result, detail: `${shown} → ${describeReadAnswer(value, result['version'])}` };
    });
  }

  private readOther(key: string, consistency: Consistency, node: string | undefined, query: ReadQuery): Promise<Record<string, unknown>> {
    const find = consistency !== 'stale' && node === undefined;
    const target = node ?? (consistency === 'stale' ? (this.host.leader() ?? this.host.anyRunning() ?? undefined) : undefined);
    return this.untilDefinite({ kind: 'read', key, consistency, query }, target, { redirect: find, failover: find });
  }

  /** Runs an operation and records it as a client-op event, whatever the outcome. */
  private async recorded(base: ClientOpBase, shown: string, run: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const op = recordClientOp(this.host, this.clientId, this.nextOpId++, base, shown);
    try {
      return op.succeeded(await run());
    } catch (error) {
      op.failed(error);
      throw error;
    }
  }

  /** Sends a request until it gets a definite answer (shared/host/until-definite.ts), in real time. */
  private async untilDefinite(request: WorkerRequest, preferred: string | undefined, route: AttemptRoute): Promise<Record<string, unknown>> {
    const attempts = untilDefinite(this.host, () => performance.now(), request, preferred, route);
    let step = attempts.next();
    while (!step.done) {
      const need = step.value;
      step = attempts.next('wait' in need ? await this.host.waitForLeader(need.deadline) : await this.host.requests.send(need.ask, need.request, need.timeoutMs));
    }
    return step.value;
  }
}

