// Linearizability of a KV history. P-compositionality: a history is linearizable iff each key's
// sub-history is, so every key is searched on its own (much smaller searches). The search has a
// budget of explored states: past it the verdict is 'undetermined', never a guess either way.
import { describeOp, EMPTY_REGISTER, type KvOpInput, type KvOpOutput, type Op, type RegisterState } from './kv-model.ts';
import { shrinkHistory } from './shrink.ts';
import { DEFAULT_MAX_STATES, defaultMaxStates, isLinearizable } from './wgl.ts';

export { DEFAULT_MAX_STATES, defaultMaxStates };

export interface CheckOptions {
  /** States the search may explore over the whole history (all keys) before it gives up with
   *  'undetermined'. Default defaultMaxStates(history.length): DEFAULT_MAX_STATES (a fraction of a
   *  second), or 20 states an operation for a longer history; Infinity = no limit. */
  readonly maxStates?: number;
}

/**
 * `ok` is true only when the history was shown linearizable, false only when it was shown not to
 * be, and null when the search gave up first (a consumer must not read undetermined as either).
 * `statesExplored`: by the search over all keys (shrinking a violation comes on top, with a budget
 * of the same size of its own).
 */
export type LinearizabilityResult =
  | { readonly verdict: 'linearizable'; readonly ok: true; readonly statesExplored: number }
  | {
      readonly verdict: 'violation';
      readonly ok: false;
      readonly key: string;
      /** A small sub-history of `key` that is already not linearizable, sorted by call time. */
      readonly minimalBadHistory: Op[];
      /** The key's state before minimalBadHistory (set by earlier, non-overlapping operations). */
      readonly initialState: RegisterState;
      readonly explanation: string;
      readonly statesExplored: number;
    }
  | {
      readonly verdict: 'undetermined';
      readonly ok: null;
      /** The first key the search gave up on. */
      readonly key: string;
      /** Every key it gave up on (sorted); every other key was shown linearizable. */
      readonly undeterminedKeys: readonly string[];
      /** e.g. 'search budget of 200000 states exhausted on key "k"'. */
      readonly reason: string;
      readonly statesExplored: number;
    };

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

export function checkLinearizability(history: readonly Op[], options: CheckOptions = {}): LinearizabilityResult {
  const maxStates = options.maxStates ?? defaultMaxStates(history.length);
  if (!(maxStates >= 0)) throw new RangeError(`maxStates must be a number of states (0 or more), got ${maxStates}`);
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
  const keys = [...byKey.keys()].sort();
  let explored = 0;
  const search = (key: string, budget: number) => {
    const result = isLinearizable(byKey.get(key)!, EMPTY_REGISTER, { maxStates: budget });
    explored += result.statesExplored;
    return result.verdict;
  };
  const violation = (key: string): LinearizabilityResult => {
    // Shrinking has a budget of its own; running out only leaves the sub-history less small.
    const shrunk = shrinkHistory(byKey.get(key)!, maxStates);
    return {
      verdict: 'violation',
      ok: false,
      key,
      minimalBadHistory: shrunk.ops,
      initialState: shrunk.initial,
      explanation: explain(key, shrunk.ops, shrunk.initial, shrunk.summary),
      statesExplored: explored,
    };
  };
  // Every key first gets an equal share of the budget, so one hard key cannot use it all up
  // before an easy violation on another is found; the keys that needed more then get what is left.
  const share = Math.floor(maxStates / Math.max(keys.length, 1));
  const hard: string[] = [];
  for (const key of keys) {
    const verdict = search(key, share);
    if (verdict === 'violation') return violation(key);
    if (verdict === 'undetermined') hard.push(key);
  }
  const undeterminedKeys: string[] = [];
  for (const key of hard) {
    const left = maxStates - explored;
    if (left <= share) {
      undeterminedKeys.push(key); // the same search with no more states would stop at the same place
      continue;
    }
    const verdict = search(key, left);
    if (verdict === 'violation') return violation(key);
    if (verdict === 'undetermined') undeterminedKeys.push(key);
  }
  if (undeterminedKeys.length === 0) return { verdict: 'linearizable', ok: true, statesExplored: explored };
  const [key] = undeterminedKeys as [string, ...string[]];
  const others = undeterminedKeys.length - 1;
  return {
    verdict: 'undetermined',
    ok: null,
    key,
    undeterminedKeys,
    reason: `search budget of ${maxStates} states exhausted on key "${key}"${others === 0 ? '' : ` (and ${others} other key${others === 1 ? '' : 's'})`}`,
    statesExplored: explored,
  };
}

function validateOp(op: Op): void {
  if (!Number.isFinite(op.call)) throw new HistoryError(`op ${op.id}: call time must be a finite number`);
  if (op.return !== null && !(op.return >= op.call)) throw new HistoryError(`op ${op.id}: returned at ${op.return}, before its call at ${op.call}`);
  if ((op.return === null) !== (op.output === undefined)) {
    throw new HistoryError(`op ${op.id}: an op has an output exactly when it returned (timed-out ops have neither)`);
  }
  if (op.output !== undefined && answersAs(op.output.op) !== op.input.op) throw new HistoryError(`op ${op.id}: a ${op.input.op} cannot answer like a ${op.output.op}`);
}

/** The input an output answers: lin-kv's `written` answers a put, its `value` a get. */
function answersAs(output: KvOpOutput['op']): KvOpInput['op'] {
  return output === 'written' ? 'put' : output === 'value' ? 'get' : output;
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
