// Small random histories that are linearizable by construction, built on kv-spec.ts (not on the
// checker's model, so a wrong model cannot make its own test data). Each client runs one operation
// at a time; an operation takes effect at a random instant of its interval, and the answers are
// what kv-spec gives in that order. Times are small integers, so intervals often touch or tie.
import type { KvOpInput, KvOpOutput, Op } from '../kv-model.ts';
import { NEVER_WRITTEN, runSpec, type SpecKey } from './kv-spec.ts';

export interface SpecHistoryOptions {
  readonly operations: number;
  readonly clients: number;
  readonly keys: number;
  /** Share of operations whose answer is lost; half of those never take effect. */
  readonly timeoutRate: number;
  /** Values written (default SPEC_VALUES: few, so a read can see one value at two versions). */
  readonly values?: readonly string[];
}

/** Few distinct values, so a read can see the same value at two versions. */
export const SPEC_VALUES = ['"a"', '"b"', '"c"', '{"n":1}'] as const;

export function specHistory(rng: () => number, options: SpecHistoryOptions): Op[] {
  const pick = (n: number) => Math.floor(rng() * n);
  const clientFree = new Array<number>(options.clients).fill(0);
  const planned: Array<{ op: Op; at: number; takesEffect: boolean }> = [];
  for (let id = 0; id < options.operations; id++) {
    const client = pick(options.clients);
    const call = clientFree[client]! + pick(3);
    const length = pick(6); // 0 = an instantaneous operation
    clientFree[client] = call + length + pick(2);
    const timedOut = rng() < options.timeoutRate;
    const op: Op = { id, client: `c${client}`, key: `k${pick(options.keys)}`, call, return: timedOut ? null : call + length, input: randomInput(rng, options.values ?? SPEC_VALUES) };
    planned.push({ op, at: call + rng() * length, takesEffect: !timedOut || rng() < 0.5 });
  }
  const keys = new Map<string, SpecKey>();
  const outputs = new Map<number, KvOpOutput>();
  for (const { op, takesEffect } of [...planned].sort((a, b) => a.at - b.at)) {
    if (!takesEffect) continue;
    const { key, output } = runSpec(keys.get(op.key) ?? NEVER_WRITTEN, op.input);
    keys.set(op.key, key);
    outputs.set(op.id, output);
  }
  return planned.map(({ op }) => (op.return === null ? op : { ...op, output: outputs.get(op.id)! }));
}

function randomInput(rng: () => number, values: readonly string[]): KvOpInput {
  const value = values[Math.floor(rng() * values.length)]!;
  const r = rng();
  if (r < 0.35) return { op: 'get' };
  if (r < 0.6) return { op: 'put', value };
  if (r < 0.72) return { op: 'put', value, cas: 0 };
  if (r < 0.85) return { op: 'put', value, cas: 1 + Math.floor(rng() * 3) };
  return { op: 'delete' };
}
