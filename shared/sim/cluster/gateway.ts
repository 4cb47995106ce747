// Client operations as the real runtime's gateway makes them (server/cluster/client-gateway.ts),
// in virtual time: writes go to the leader (a follower's "not leader" answer names whom to ask),
// reads at a chosen consistency, the same four bounded attempts, the same error codes, and a
// client-call / client-op event pair per operation. "Waiting" means advancing the simulation:
// the host's ask() and waitForLeader() run the cluster's loop until an answer or the deadline.
import { encodeCommand, KvCommandError, type KvCommand } from '../../kv/index.ts';
import { CommandError } from '../../protocol/commands.ts';
import { untilDefinite, type AttemptRoute } from '../../host/until-definite.ts';
import { describeClientOp, describeReadAnswer, recordClientOp, type ClientOpBase } from '../../host/client-op-record.ts';
import type { Consistency, UnstampedEvent } from '../../protocol/events.ts';
import type { NodeRequest } from '../../node/protocol.ts';
import type { RequestOutcome } from '../../host/node-requests.ts';

export interface GatewayHost {
  leader(): string | null;
  isRunning(node: string): boolean;
  anyRunning(): string | null;
  /** Advances the simulation until some node leads or the virtual deadline passes. */
  waitForLeader(deadline: number): string | null;
  /** Sends a request and advances the simulation until it has an outcome (or times out). */
  ask(node: string, request: NodeRequest, timeoutMs: number): RequestOutcome;
  attemptTimeoutMs(): number;
  emit(event: UnstampedEvent): void;
  now(): number;
}

export type WriteKind = 'put' | 'cas' | 'delete';

export class SimGateway {
  private nextOpId = 1;
  /** Free client sessions: a session carries one write at a time (the store refuses older seqs). */
  private readonly free: { client: string; seq: number }[] = [];
  private sessions = 0;

  constructor(
    private readonly host: GatewayHost,
    readonly clientId: string,
  ) {}

  write(request: { op: WriteKind; key: string; value?: string; cas?: number; node?: string }): Record<string, unknown> {
    const { op, key, node } = request;
    const session = this.free.pop() ?? { client: `${this.clientId}-${++this.sessions}`, seq: 0 };
    session.seq += 1;
    const { client, seq } = session;
    // The store wants whole milliseconds (the real gateway sends the wall clock's); virtual ones here.
    const time = Math.floor(this.host.now());
    const command: KvCommand =
      op === 'delete'
        ? { op: 'delete', key, client, seq, time }
        : { op: 'put', key, data: { value: request.value ?? '' }, ...(request.cas !== undefined ? { cas: request.cas } : {}), client, seq, time };
    const shownValue = request.value ?? '';
    const base: ClientOpBase = { op, key, value: op === 'delete' ? null : shownValue, cas: request.cas ?? null, consistency: null, node: node ?? null };
    const shown = describeClientOp(base);
    return this.recorded(
      base,
      shown, () => {
      try {
        let encoded: string;
        try {
          encoded = encodeCommand(command);
        } catch (error) {
          if (error instanceof KvCommandError) throw new CommandError('bad-request', error.message);
          throw error;
        }
        const result = this.untilDefinite({ kind: 'propose', command: encoded }, node, { redirect: true, failover: node === undefined });
        return { ...result, detail: `${shown}: committed at index ${String(result['index'])}` };
      } finally {
        this.free.push(session);
      }
    });
  }

  /** Replaces the store with a snapshot image, through the log (one entry, no client session). */
  restore(image: string): Record<string, unknown> {
    const command = encodeCommand({ op: 'restore', image, time: Math.floor(this.host.now()) });
    const result = this.untilDefinite({ kind: 'propose', command }, undefined, { redirect: true, failover: true });
    return { index: result['index'], keys: result['version'] };
  }

  read(key: string, consistency: Consistency, node?: string): Record<string, unknown> {
    const base: ClientOpBase = { op: 'get', key, value: null, cas: null, consistency, node: node ?? null };
    const shown = describeClientOp(base);
    return this.recorded(base, shown, () => {
      const find = consistency !== 'stale' && node === undefined;
      const target = node ?? (consistency === 'stale' ? (this.host.leader() ?? this.host.anyRunning() ?? undefined) : undefined);
      const result = this.untilDefinite({ kind: 'read', key, consistency }, target, { redirect: find, failover: find });
      const value = typeof result['value'] === 'string' ? result['value'] : null;
      return { ...result, detail: `${shown} → ${describeReadAnswer(value, result['version'])}` };
    });
  }

  /** Runs an operation and records it as a client-op event, whatever the outcome. */
  private recorded(base: ClientOpBase, shown: string, run: () => Record<string, unknown>): Record<string, unknown> {
    const op = recordClientOp(this.host, this.clientId, this.nextOpId++, base, shown);
    try {
      return op.succeeded(run());
    } catch (error) {
      op.failed(error);
      throw error;
    }
  }

  /** Sends a request until it gets a definite answer (../../host/until-definite.ts), in virtual time. */
  private untilDefinite(request: NodeRequest, preferred: string | undefined, route: AttemptRoute): Record<string, unknown> {
    const attempts = untilDefinite(this.host, () => this.host.now(), request, preferred, route);
    let step = attempts.next();
    while (!step.done) {
      const need = step.value;
      step = attempts.next('wait' in need ? this.host.waitForLeader(need.deadline) : this.host.ask(need.ask, need.request, need.timeoutMs));
    }
    return step.value;
  }
}

