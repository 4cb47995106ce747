// A brute-force linearizability oracle for tiny histories (up to 8 operations), to judge the WGL
// checker by. It shares nothing with wgl.ts, kv-model.ts or the per-key split: it tries every
// total order of the whole history that respects real time and replays it on kv-spec.ts.
//  - a precedes b exactly when a returned strictly before b was called (touching intervals are
//    concurrent, the reading the checker documents);
//  - an operation with an unknown outcome (return null) either never took effect (it is left out)
//    or took effect at some point after its call (it is ordered like any other, answering anything).
// Orders are built one operation at a time and a prefix whose last answer is wrong is abandoned:
// no completion of it can be right, so this visits every order that could succeed.
import type { Op } from '../kv-model.ts';
import { fits, NEVER_WRITTEN, runSpec, type SpecKey } from './kv-spec.ts';

export const ORACLE_MAX_OPS = 8;

export function bruteForceLinearizable(history: readonly Op[]): boolean {
  if (history.length > ORACLE_MAX_OPS) throw new Error(`the oracle tries every order: at most ${ORACLE_MAX_OPS} operations, got ${history.length}`);
  const unknown = history.filter((op) => op.return === null);
  // Every choice of which unknown-outcome operations took effect.
  for (let mask = 0; mask < 1 << unknown.length; mask++) {
    const leftOut = new Set(unknown.filter((_, i) => (mask & (1 << i)) !== 0));
    if (someOrderWorks(history.filter((op) => !leftOut.has(op)), new Map())) return true;
  }
  return false;
}

function precedes(a: Op, b: Op): boolean {
  return a.return !== null && a.return < b.call;
}

function someOrderWorks(remaining: readonly Op[], keys: ReadonlyMap<string, SpecKey>): boolean {
  if (remaining.length === 0) return true;
  for (const op of remaining) {
    // op may go next only if nothing still to place had to come before it.
    if (remaining.some((other) => other !== op && precedes(other, op))) continue;
    const { key, output } = runSpec(keys.get(op.key) ?? NEVER_WRITTEN, op.input);
    if (!fits(op.output, output)) continue;
    if (someOrderWorks(remaining.filter((other) => other !== op), new Map(keys).set(op.key, key))) return true;
  }
  return false;
}
