// Linearizability of a KV history. P-compositionality: a history is linearizable iff each key's
// sub-history is, so every key is searched on its own (much smaller searches).
import { describeOp, EMPTY_REGISTER, type Op, type RegisterState } from './kv-model.ts';
import { shrinkHistory } from './shrink.ts';
import { isLinearizable } from './wgl.ts';

export type LinearizabilityResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly key: string;
      /** A small sub-history of `key` that is already not linearizable, sorted by call time. */
      readonly minimalBadHistory: Op[];
      /** The key's state before minimalBadHistory (set by earlier, non-overlapping operations). */
      readonly initialState: RegisterState;
      readonly explanation: string;
    };

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

export function checkLinearizability(history: readonly Op[]): LinearizabilityResult {
  const byKey = new Map<string, Op[]>();
  for (const op of history) {
    validateOp(op);
    let ops = byKey.get(op.key);
    if (ops === undefined) {
      ops = [];
      byKey.set(op.key, ops);
    }
    ops.push(op);
  }
  for (const key of [...byKey.keys()].sort()) {
    const ops = byKey.get(key)!;
    if (isLinearizable(ops, EMPTY_REGISTER).ok) continue;
    const shrunk = shrinkHistory(ops);
    return { ok: false, key, minimalBadHistory: shrunk.ops, initialState: shrunk.initial, explanation: explain(key, shrunk.ops, shrunk.initial, shrunk.summary) };
  }
  return { ok: true };
}

function validateOp(op: Op): void {
  if (!Number.isFinite(op.call)) throw new HistoryError(`op ${op.id}: call time must be a finite number`);
  if (op.return !== null && !(op.return >= op.call)) throw new HistoryError(`op ${op.id}: returned at ${op.return}, before its call at ${op.call}`);
  if ((op.return === null) !== (op.output === undefined)) {
    throw new HistoryError(`op ${op.id}: an op has an output exactly when it returned (timed-out ops have neither)`);
  }
  if (op.output !== undefined && op.output.op !== op.input.op) throw new HistoryError(`op ${op.id}: a ${op.input.op} cannot answer like a ${op.output.op}`);
}

function explain(key: string, ops: readonly Op[], initial: RegisterState, summary: string | undefined): string {
  const start =
    initial.version === 0
      ? `the key did not exist`
      : `the key was at version ${initial.version}${initial.deleted ? ' (deleted)' : ` = ${initial.value ?? ''}`}, as the earlier operations left it`;
  return [
    `Key "${key}" is not linearizable.${summary === undefined ? '' : ` ${summary}`} Before these ${ops.length} operations ${start}.`,
    'No single order of them both respects real time (an operation that returned before another was called must come first)',
    'and gives every client the answer it actually received:',
    ...ops.map((op) => `  ${describeOp(op)}`),
  ].join('\n');
}
