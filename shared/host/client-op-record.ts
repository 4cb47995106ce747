// A client operation as it enters the history the checkers read, the same for the lab's gateway
// and the simulator's: a client-call event when it starts, a client-op event with its outcome when
// it ends. A write that got no answer in time is "unknown" (it may have been applied), not "failed".
import { CommandError } from '../protocol/command-error.ts';
import type { Consistency, UnstampedEvent } from '../protocol/events.ts';

export interface ClientOpBase {
  readonly op: 'put' | 'cas' | 'delete' | 'get';
  readonly key: string;
  readonly value: string | null;
  readonly cas: number | null;
  readonly consistency: Consistency | null;
  readonly node: string | null;
  /** A lin-kv operation (a foreign cluster's): answers without versions. */
  readonly linKv?: true;
  /** lin-kv's cas: the value it expects. */
  readonly from?: string | null;
}

export interface ClientOpHost {
  now(): number;
  emit(event: UnstampedEvent): void;
}

/**
 * The operation in one line, never with its value ("put color if version 3", "get color (stale at
 * n2)"): the value travels in its own field, which a watcher without the token sees as a digest.
 */
export function describeClientOp(base: ClientOpBase): string {
  if (base.op === 'delete') return `delete ${base.key}`;
  if (base.op === 'get') return `get ${base.key} (${base.linKv ? 'lin-kv read' : (base.consistency ?? 'linearizable')}${base.node ? ` at ${base.node}` : ''})`;
  if (base.linKv && base.op === 'cas') return `cas ${base.key} if it holds the value expected`;
  return `${base.op} ${base.key}${base.cas !== null ? ` if version ${base.cas}` : ''}`;
}

/** A read's answer for its detail line: which version it saw (the value is in the value field). */
export function describeReadAnswer(value: string | null, version: unknown): string {
  return value === null ? 'absent' : `version ${String(version)}`;
}

/** What the history takes from an answer: the version seen or written, the node, a read's value. */
interface AnsweredFields {
  readonly version?: number;
  readonly node?: string;
  readonly value?: string | null;
}

/** Emits the client-call now; what it returns records the end, however the operation ends. */
export function recordClientOp(host: ClientOpHost, client: string, opId: number, base: ClientOpBase, shown: string) {
  const start = host.now();
  const linKv = base.linKv ? { linKv: true as const, from: base.from ?? null } : {};
  host.emit({ type: 'client-call', opId, client, op: base.op, key: base.key, value: base.value, cas: base.cas, ...linKv, start });
  const end = (outcome: 'ok' | 'failed' | 'unknown', detail: string, result?: AnsweredFields, refused?: true): void => {
    const version = result?.version ?? null;
    const node = result?.node ?? base.node;
    const value = base.op === 'get' ? (result?.value ?? null) : base.value;
    host.emit({ type: 'client-op', opId, client, ...base, value, version, node, outcome, detail, start, end: host.now(), ...(refused ? { refused } : {}) });
  };
  return {
    /** The operation answered: records it, and returns the answer without its `detail` line. */
    succeeded<T extends AnsweredFields & { readonly detail: string }>(result: T): Omit<T, 'detail'> {
      const { detail, ...rest } = result;
      end('ok', detail, rest);
      return rest;
    },
    /** It failed with a CommandError (anything else is a bug, and is not history). `refused`: a
     *  lin-kv cas refused for the value it found, which says something about the state. */
    failed(error: unknown, refused?: true): void {
      if (error instanceof CommandError) end(error.code === 'timeout' && base.op !== 'get' ? 'unknown' : 'failed', `${shown}: ${error.message}`, undefined, refused);
    },
  };
}
