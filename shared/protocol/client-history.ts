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

/** Failed operations definitely did not happen, except a cas refused for its version (which is a
 *  real answer about the state); other failures are left out of the history. */
export function historyOf(events: readonly ClusterEvent[]): Op[] {
  const ops: Op[] = [];
  for (const event of events) {
    if (!isClientOp(event)) continue;
    if (event.outcome === 'failed' && !(event.op === 'cas' || (event.op === 'put' && event.cas !== null))) continue;
    if (event.outcome === 'failed' && event.version === null) continue;
    ops.push(toOp(event));
  }
  return ops;
}

export type Verdict = { kind: 'empty' } | { kind: 'error'; message: string } | { kind: 'checked'; operations: number; result: LinearizabilityResult };

export function verdictOf(events: readonly ClusterEvent[]): Verdict {
  const ops = historyOf(events);
  if (ops.length === 0) return { kind: 'empty' };
  try {
    return { kind: 'checked', operations: ops.length, result: checkLinearizability(ops) };
  } catch (error) {
    return { kind: 'error', message: error instanceof HistoryError ? error.message : String(error) };
  }
}
