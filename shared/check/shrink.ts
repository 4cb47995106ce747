// Turns a non-linearizable history of one key into a small one a person can read. Only
// reductions that keep "not linearizable here ⇒ not linearizable in the full history" are used:
//  - the history is cut into segments at quiescent points (every earlier op returned before any
//    later op was called); when a prefix of segments can end in only one state, it is replaced by
//    that state, and segments after the first one that cannot be linearized are dropped;
//  - operations that cannot change the state (reads, refused cas writes) are dropped one by one
//    while the rest stays non-linearizable.
// Dropping a successful write is NOT safe (a read may have seen it), so writes stay.
import { EMPTY_REGISTER, hasNoEffect, stateKey, stepRegister, type Op, type RegisterState } from './kv-model.ts';
import { findAnomaly } from './anomalies.ts';
import { isLinearizable } from './wgl.ts';

export interface ShrunkHistory {
  readonly ops: Op[];
  /** The key's state before `ops`, fixed by the (dropped) operations that preceded them. */
  readonly initial: RegisterState;
  /** One-line name of the anomaly, when it is a recognised one. */
  readonly summary?: string;
}

const MAX_STATES = 32;
const MAX_EXPLORED = 50_000;
const MAX_CHECKS = 400;

export function shrinkHistory(history: readonly Op[]): ShrunkHistory {
  const anomaly = findAnomaly(history);
  if (anomaly !== undefined) return { ops: anomaly.ops, initial: anomaly.initial, summary: anomaly.summary };
  const byCall = [...history].sort((a, b) => a.call - b.call || a.id - b.id);
  const window = failingWindow(byCall);
  let ops = window.ops;
  let checks = 0;
  for (let i = 0; i < ops.length && checks < MAX_CHECKS; ) {
    const op = ops[i]!;
    if (!hasNoEffect(op)) {
      i++;
      continue;
    }
    const without = ops.filter((_, j) => j !== i);
    checks++;
    if (!isLinearizable(without, window.initial).ok) ops = without;
    else i++;
  }
  return { ops, initial: window.initial };
}

/** The smallest run of whole segments, with its start state, that already cannot be linearized. */
function failingWindow(ops: readonly Op[]): ShrunkHistory {
  const segments = splitAtQuiescentPoints(ops);
  let possible: RegisterState[] = [EMPTY_REGISTER];
  // Points where the state was certain; the window starts one such point early, so the writes
  // that produced the state a bad read contradicts are shown, not just summarised.
  const certain: Array<{ segment: number; state: RegisterState }> = [{ segment: 0, state: EMPTY_REGISTER }];
  const start = () => {
    const last = certain[certain.length - 1]!;
    for (let i = certain.length - 2; i >= 0; i--) if (stateKey(certain[i]!.state) !== stateKey(last.state)) return certain[i]!;
    return certain[0]!;
  };
  for (let s = 0; s < segments.length; s++) {
    const next = new Map<string, RegisterState>();
    for (const state of possible) {
      const ends = endStates(segments[s]!, state);
      if (ends === null) return { ops: segments.slice(start().segment).flat(), initial: start().state };
      for (const end of ends) next.set(stateKey(end), end);
    }
    if (next.size === 0) return { ops: segments.slice(start().segment, s + 1).flat(), initial: start().state };
    if (next.size > MAX_STATES) return { ops: [...ops], initial: EMPTY_REGISTER };
    possible = [...next.values()];
    if (possible.length === 1) certain.push({ segment: s + 1, state: possible[0]! });
  }
  // The caller found it non-linearizable; if the segment walk disagrees, show everything.
  return { ops: [...ops], initial: EMPTY_REGISTER };
}

function splitAtQuiescentPoints(ops: readonly Op[]): Op[][] {
  const segments: Op[][] = [];
  let current: Op[] = [];
  let latestReturn = -Infinity;
  for (const op of ops) {
    if (current.length > 0 && latestReturn < op.call) {
      segments.push(current);
      current = [];
    }
    current.push(op);
    latestReturn = Math.max(latestReturn, op.return ?? Infinity);
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/** Every state in which some linearization of `ops` from `initial` ends; null if too costly. */
function endStates(ops: readonly Op[], initial: RegisterState): RegisterState[] | null {
  const ends = new Map<string, RegisterState>();
  const visited = new Set<string>();
  const done = new Array<boolean>(ops.length).fill(false);
  let explored = 0;
  const visit = (state: RegisterState, remaining: number): boolean => {
    if (++explored > MAX_EXPLORED) return false;
    if (remaining === 0) {
      ends.set(stateKey(state), state);
      return true;
    }
    const key = `${done.map((d) => (d ? 1 : 0)).join('')}|${stateKey(state)}`;
    if (visited.has(key)) return true;
    visited.add(key);
    // An op may go next only if no other pending op returned before it was called.
    let earliestReturn = Infinity;
    ops.forEach((op, i) => {
      if (!done[i]) earliestReturn = Math.min(earliestReturn, op.return ?? Infinity);
    });
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (done[i] || op.call > earliestReturn) continue;
      const next = stepRegister(state, op.input, op.output);
      if (next === null) continue;
      done[i] = true;
      const ok = visit(next, remaining - 1);
      done[i] = false;
      if (!ok) return false;
    }
    return true;
  };
  return visit(initial, ops.length) ? [...ends.values()] : null;
}
