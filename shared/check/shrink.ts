// Turns a non-linearizable history of one key into a small one a person can read. Only
// reductions that keep "not linearizable here ⇒ not linearizable in the full history" are used:
//  - everything called after a cut is dropped, at the first cut where what precedes it is already
//    not linearizable; a cut is a point every completed op called before it has returned by (ops
//    called after it must follow all of those; open ops may span it, they answer nothing);
//  - the rest is cut into segments at quiescent points (every earlier op returned before any
//    later op was called); when a prefix of segments can end in only one state, it is replaced by
//    that state;
//  - operations that cannot change the state (reads, refused cas writes) are dropped, in halves,
//    quarters, ... down to one at a time, while the rest stays non-linearizable.
// Dropping a write is NOT safe (a read may have seen it), so writes stay, open ones too.
// The searches share a budget; one that runs out counts as "maybe linearizable", which only
// keeps operations that could have been dropped.
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

const MAX_END_STATES = 32;
/** Per segment and start state, so one long segment cannot take the whole budget. */
const MAX_EXPLORED = 50_000;
const MAX_CHECKS = 400;

/** What the shrinker may still spend: states explored, plus one per operation a search sets up. */
class Budget {
  private checks = 0;
  constructor(private left: number) {}

  get exhausted(): boolean {
    return this.left <= 0 || this.checks >= MAX_CHECKS;
  }

  /** True only when `ops` from `initial` were shown not linearizable. */
  violated(ops: readonly Op[], initial: RegisterState): boolean {
    if (this.exhausted) return false;
    this.checks++;
    this.left -= ops.length;
    const result = isLinearizable(ops, initial, { maxStates: Math.max(this.left, 0) });
    this.left -= result.statesExplored;
    return result.verdict === 'violation';
  }

  spend(states: number): boolean {
    this.left -= states;
    return this.left > 0;
  }
}

/** `maxStates`: what all the searches together may explore (see checkLinearizability). */
export function shrinkHistory(history: readonly Op[], maxStates: number): ShrunkHistory {
  const anomaly = findAnomaly(history);
  if (anomaly !== undefined) return { ops: anomaly.ops, initial: anomaly.initial, summary: anomaly.summary };
  const budget = new Budget(maxStates);
  const byCall = [...history].sort((a, b) => a.call - b.call || a.id - b.id);
  const window = failingWindow(failingPrefix(byCall, budget), budget);
  return { ops: withoutNeedlessReads(window.ops, window.initial, budget), initial: window.initial };
}

/** The shortest prefix (in call order), ending at a cut, that is already not linearizable. */
function failingPrefix(byCall: readonly Op[], budget: Budget): readonly Op[] {
  const cuts: number[] = [];
  let latestReturn = -Infinity;
  for (let i = 0; i < byCall.length; i++) {
    if (i > 0 && latestReturn < byCall[i]!.call) cuts.push(i);
    const ret = byCall[i]!.return;
    if (ret !== null) latestReturn = Math.max(latestReturn, ret);
  }
  cuts.push(byCall.length); // the whole history: known not to be linearizable
  // Monotone: a failing prefix stays failing when more is appended after a cut.
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi && !budget.exhausted) {
    const mid = (lo + hi) >>> 1;
    if (budget.violated(byCall.slice(0, cuts[mid]), EMPTY_REGISTER)) hi = mid;
    else lo = mid + 1;
  }
  return byCall.slice(0, cuts[hi]);
}

/** Drops reads and refused writes, many at a time first, while the rest stays non-linearizable. */
function withoutNeedlessReads(start: readonly Op[], initial: RegisterState, budget: Budget): Op[] {
  let ops = [...start];
  let chunk = Math.max(1, ops.filter(hasNoEffect).length >>> 1);
  for (;;) {
    for (let from = 0; from < ops.length && !budget.exhausted; ) {
      // The next `chunk` droppable ops from `from` on.
      const drop = new Set<Op>();
      let to = from;
      for (; to < ops.length && drop.size < chunk; to++) if (hasNoEffect(ops[to]!)) drop.add(ops[to]!);
      if (drop.size === 0) break;
      const without = ops.filter((op) => !drop.has(op));
      if (budget.violated(without, initial)) ops = without;
      else from = to;
    }
    if (chunk === 1 || budget.exhausted) return ops;
    chunk >>>= 1;
  }
}

/** The smallest run of whole segments, with its start state, that already cannot be linearized. */
function failingWindow(ops: readonly Op[], budget: Budget): ShrunkHistory {
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
  // The last segment needs no end states: the window runs to the end either way.
  for (let s = 0; s < segments.length - 1; s++) {
    const next = new Map<string, RegisterState>();
    for (const state of possible) {
      const ends = endStates(segments[s]!, state, budget);
      if (ends === null) return { ops: segments.slice(start().segment).flat(), initial: start().state };
      for (const end of ends) next.set(stateKey(end), end);
    }
    if (next.size === 0) return { ops: segments.slice(start().segment, s + 1).flat(), initial: start().state };
    if (next.size > MAX_END_STATES) return { ops: [...ops], initial: EMPTY_REGISTER };
    possible = [...next.values()];
    if (possible.length === 1) certain.push({ segment: s + 1, state: possible[0]! });
  }
  return { ops: segments.slice(start().segment).flat(), initial: start().state };
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
function endStates(ops: readonly Op[], initial: RegisterState, budget: Budget): RegisterState[] | null {
  const ends = new Map<string, RegisterState>();
  const visited = new Set<string>();
  const done = new Array<boolean>(ops.length).fill(false);
  let explored = 0;
  const visit = (state: RegisterState, remaining: number): boolean => {
    if (++explored > MAX_EXPLORED || !budget.spend(1)) return false;
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
