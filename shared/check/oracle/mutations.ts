// One-result mutations of a history, the kinds of lie a buggy store (or recorder) tells: a read's
// value, a version, ok swapped with refused, an interval moved (so operations overlap or stop
// overlapping), an answer lost. Every mutated record keeps the shape real recorders produce
// (shared/protocol/client-history.ts toOp, for the lab and the simulator alike): a read of a missing or deleted
// key carries value null, a live read a value, and return >= call.
import type { KvOpOutput, Op } from '../kv-model.ts';
import { SPEC_VALUES } from './spec-history.ts';

export const MUTATION_KINDS = ['read-value', 'version', 'ok-fail', 'shift-time', 'timeout'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

type GetOutput = Extract<KvOpOutput, { op: 'get' }>;

/** The history with one operation changed, or null when it has no operation of that kind. */
export function mutate(rng: () => number, history: readonly Op[], kind: MutationKind): Op[] | null {
  const candidates = history.map((op, index) => ({ op, index })).filter(({ op }) => applies(kind, op));
  if (candidates.length === 0) return null;
  const { op, index } = candidates[Math.floor(rng() * candidates.length)]!;
  const changed = kind === 'shift-time' ? shifted(rng, op, history) : change(rng, op, kind);
  return history.map((o, i) => (i === index ? changed : o));
}

function applies(kind: MutationKind, op: Op): boolean {
  switch (kind) {
    case 'read-value':
      return op.output?.op === 'get';
    case 'ok-fail':
      return op.output?.op === 'put';
    case 'version':
    case 'shift-time':
    case 'timeout':
      return op.output !== undefined;
  }
}

function change(rng: () => number, op: Op, kind: MutationKind): Op {
  const output = op.output!;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  switch (kind) {
    case 'read-value':
      return { ...op, output: otherRead(output as GetOutput, pick) };
    case 'version':
      return { ...op, output: otherVersion(output, pick([-1, 1, 2])) };
    case 'ok-fail':
      if (output.op !== 'put') return op;
      // What the other answer would have said had it come from the same state.
      return { ...op, output: output.ok ? { op: 'put', ok: false, current: output.version - 1 } : { op: 'put', ok: true, version: (output.current ?? 0) + 1 } };
    case 'shift-time':
      return op; // needs the other operations: see shifted()
    case 'timeout': {
      const { output: _lost, ...rest } = op;
      return { ...rest, return: null };
    }
  }
}

/**
 * Moves an operation's interval relative to another's: entirely after it, entirely before it, or
 * stretched over it, so real-time order appears or disappears (a small random nudge would mostly
 * leave the order as it was).
 */
function shifted(rng: () => number, op: Op, history: readonly Op[]): Op {
  const others = history.filter((o) => o !== op);
  const ret = op.return!;
  const length = ret - op.call;
  const other = others[Math.floor(rng() * others.length)];
  const how = Math.floor(rng() * 3);
  if (other === undefined || (how === 0 && other.return === null)) return { ...op, call: op.call + 3, return: ret + 3 };
  if (how === 0) return { ...op, call: other.return! + 1, return: other.return! + 1 + length }; // now follows it
  if (how === 1) return { ...op, call: other.call - 1 - length, return: other.call - 1 }; // now precedes it
  return { ...op, call: Math.min(op.call, other.call), return: Math.max(ret, other.return ?? ret) }; // now overlaps it
}

function otherRead(read: GetOutput, pick: <T>(items: readonly T[]) => T): GetOutput {
  const live = read.version > 0 && !read.deleted;
  if (live && pick([true, false])) return { ...read, value: pick(SPEC_VALUES.filter((v) => v !== read.value)) };
  if (live) return { ...read, deleted: true, value: null };
  // Missing or deleted: claim a live value instead.
  return { op: 'get', version: Math.max(1, read.version), deleted: false, value: pick(SPEC_VALUES) };
}

function otherVersion(output: KvOpOutput, delta: number): KvOpOutput {
  switch (output.op) {
    case 'put':
      return output.ok ? { ...output, version: Math.max(1, output.version + delta) } : { ...output, current: Math.max(0, (output.current ?? 0) + delta) };
    case 'delete':
      return { ...output, version: Math.max(0, (output.version ?? 0) + delta) };
    case 'get': {
      const version = Math.max(0, output.version + delta);
      if (version === 0) return { op: 'get', version: 0, deleted: false, value: null };
      // From "missing", a version needs a state: say it is deleted (value null stays well formed).
      return output.version === 0 ? { op: 'get', version, deleted: true, value: null } : { ...output, version };
    }
    case 'written':
    case 'value':
      return output; // lin-kv answers carry no version to change
  }
}
