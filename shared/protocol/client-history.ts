// Client operations as the linearizability checker reads them. The server reports each finished
// operation (client-op events); this turns them into shared/check's Op and runs the checker.
import { checkLinearizability, HistoryError, type LinearizabilityResult, type Op } from '../check/index.ts';
import type { ClusterEvent } from './events.ts';

export type ClientOpEvent = Extract<ClusterEvent, { type: 'client-op' }>;

export function isClientOp(event: ClusterEvent): event is ClientOpEvent {
  return event.type === 'client-op';
}

/** The checker's view of one operation. Unknown outcomes never returned (they may have happened). */
export function toOp(event: ClientOpEvent): Op {
  const base = { id: event.opId, client: event.client, key: event.key, call: event.start };
  const unknown = event.outcome === 'unknown';
  const ret = unknown ? null : Math.max(event.start, event.end);
  if (event.linKv) return linKvOp(event, base, ret);
  switch (event.op) {
    case 'put':
    case 'cas': {
      const cas = event.op === 'cas' ? (event.cas ?? 0) : (event.cas ?? undefined);
      const input = cas === undefined ? { op: 'put' as const, value: event.value ?? '' } : { op: 'put' as const, value: event.value ?? '', cas };
      if (unknown) return { ...base, return: null, input };
      return {
        ...base,
        return: ret,
        input,
        output: event.outcome === 'ok' ? { op: 'put', ok: true, version: event.version ?? 0 } : { op: 'put', ok: false, ...(event.version === null ? {} : { current: event.version }) },
      };
    }
    case 'delete':
      if (unknown) return { ...base, return: null, input: { op: 'delete' } };
      return { ...base, return: ret, input: { op: 'delete' }, output: { op: 'delete', ...(event.version === null ? {} : { version: event.version }) } };
    case 'get': {
      const version = event.version ?? 0;
      if (unknown) return { ...base, return: null, input: { op: 'get' } };
      return { ...base, return: ret, input: { op: 'get' }, output: { op: 'get', version, deleted: version > 0 && event.value === null, value: event.value } };
    }
  }
}

/** A lin-kv operation: a write, a cas by value, a read; answers name no version. */
function linKvOp(event: ClientOpEvent, base: Pick<Op, 'id' | 'client' | 'key' | 'call'>, ret: number | null): Op {
  if (event.op === 'get') {
    return ret === null ? { ...base, return: null, input: { op: 'get' } } : { ...base, return: ret, input: { op: 'get' }, output: { op: 'value', value: event.value } };
  }
  const input = linKvInput(event);
  if (ret === null) return { ...base, return: null, input };
  // A definite refusal (lin-kv's 20 or 22) is an answer about the state: the cas did not apply.
  return { ...base, return: ret, input, output: event.outcome === 'ok' ? { op: 'written' } : { op: 'put', ok: false } };
}

function linKvInput(event: { readonly value: string | null; readonly from?: string | null | undefined }): Extract<Op['input'], { op: 'put' }> {
  return event.from !== null && event.from !== undefined ? { op: 'put', value: event.value ?? '', from: event.from } : { op: 'put', value: event.value ?? '' };
}

/**
 * The history to check. Failed operations definitely did not happen, except a cas refused for its
 * version (a real answer about the state); other failures are left out. A write that was invoked
 * (client-call) and has not finished yet may take effect at any moment: it counts as unknown —
 * without it, a read that already saw its effect would look impossible.
 */
export function historyOf(events: readonly ClusterEvent[]): Op[] {
  const ops: Op[] = [];
  const pending = new Map<string, Extract<ClusterEvent, { type: 'client-call' }>>();
  for (const event of events) {
    if (event.type === 'client-call') {
      pending.set(`${event.client}#${event.opId}`, event);
      continue;
    }
    if (!isClientOp(event)) continue;
    pending.delete(`${event.client}#${event.opId}`);
    // lin-kv: a failed cas refused by value stays (an answer about the state); other failures go.
    if (event.linKv) {
      if (event.outcome !== 'failed' || event.refused) ops.push(toOp(event));
      continue;
    }
    if (event.outcome === 'failed' && !(event.op === 'cas' || (event.op === 'put' && event.cas !== null))) continue;
    if (event.outcome === 'failed' && event.version === null) continue;
    ops.push(toOp(event));
  }
  for (const call of pending.values()) {
    if (call.op === 'get') continue; // a read in flight changes nothing
    const base = { id: call.opId, client: call.client, key: call.key, call: call.start, return: null };
    if (call.linKv) {
      ops.push({ ...base, input: linKvInput(call) });
      continue;
    }
    const input =
      call.op === 'delete'
        ? { op: 'delete' as const }
        : call.cas !== null || call.op === 'cas'
          ? { op: 'put' as const, value: call.value ?? '', cas: call.cas ?? 0 }
          : { op: 'put' as const, value: call.value ?? '' };
    ops.push({ ...base, input });
  }
  return ops;
}

/** Every client event (an operation invoked, or finished): what historyOf reads. */
export type ClientEvent = Extract<ClusterEvent, { type: 'client-call' | 'client-op' }>;

export function isClientEvent(event: ClusterEvent): event is ClientEvent {
  return event.type === 'client-op' || event.type === 'client-call';
}

/**
 * The history an observer that joined late can judge. The checker starts every key empty, so a key
 * is judged only when the observer saw it start empty — some operation answered as only an empty
 * key can (a put that created version 1, a read of version 0, a cas refused at version 0) — and
 * every operation on it was invoked after `since` (the start of what was seen). Other keys are left
 * out, not guessed at: their earlier versions were written before the observer was there.
 * (A write invoked before `since` that has not answered yet is invisible until it does; its key
 * is left out as soon as its answer arrives.)
 */
export function historySince(events: readonly ClusterEvent[], since: number): { ops: Op[]; unseenKeys: string[] } {
  const byKey = new Map<string, Op[]>();
  for (const op of historyOf(events)) {
    const ops = byKey.get(op.key) ?? [];
    ops.push(op);
    byKey.set(op.key, ops);
  }
  const ops: Op[] = [];
  const unseenKeys: string[] = [];
  for (const [key, keyOps] of byKey) {
    // (A lin-kv answer names no version: only a read of nothing shows a key empty.)
    const seenEmpty = keyOps.some(({ output }) => (output?.op === 'put' && (output.ok ? output.version === 1 : output.current === 0)) || (output?.op === 'get' && output.version === 0) || (output?.op === 'value' && output.value === null));
    if (seenEmpty && keyOps.every((op) => op.call >= since)) ops.push(...keyOps);
    else unseenKeys.push(key);
  }
  return { ops, unseenKeys: unseenKeys.sort() };
}

export type Verdict =
  | { kind: 'empty'; unseenKeys: readonly string[] }
  | { kind: 'error'; message: string }
  | { kind: 'checked'; operations: number; unseenKeys: readonly string[]; result: LinearizabilityResult };

/** The verdict over the whole history, or (with `since`) over the keys an observer who joined at
 *  `since` saw whole. */
export function verdictOf(events: readonly ClusterEvent[], options: { since?: number } = {}): Verdict {
  const { ops, unseenKeys } = options.since === undefined ? { ops: historyOf(events), unseenKeys: [] } : historySince(events, options.since);
  if (ops.length === 0) return { kind: 'empty', unseenKeys };
  try {
    return { kind: 'checked', operations: ops.length, unseenKeys, result: checkLinearizability(ops) };
  } catch (error) {
    return { kind: 'error', message: error instanceof HistoryError ? error.message : String(error) };
  }
}
