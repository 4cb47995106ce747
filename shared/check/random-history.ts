// Random histories of a CORRECT versioned register, for tests and benchmarks of the checker:
// each operation takes effect at a random instant inside its [call, return] interval, so the
// history is linearizable by construction. Pure: randomness comes from the injected PRNG.
import { EMPTY_REGISTER, stepRegister, type KvOpInput, type KvOpOutput, type Op, type RegisterState } from './kv-model.ts';

export interface RandomHistoryOptions {
  readonly operations: number;
  readonly clients: number;
  readonly keys: number;
  /** Share of writes whose answer is lost (they still take effect). Default 0.01. */
  readonly timeoutRate?: number;
}

export function randomHistory(rng: () => number, options: RandomHistoryOptions): Op[] {
  const { operations, clients, keys } = options;
  const timeoutRate = options.timeoutRate ?? 0.01;
  const planned: Array<{ op: Op; at: number }> = [];
  const clientFree = new Array<number>(clients).fill(0);
  for (let i = 0; i < operations; i++) {
    const c = i % clients;
    const call = clientFree[c]! + Math.floor(rng() * 5);
    const length = 1 + Math.floor(rng() * 20);
    clientFree[c] = call + length + 1;
    const r = rng();
    const input: KvOpInput =
      r < 0.4 ? { op: 'get' } : r < 0.8 ? { op: 'put', value: String(i) } : r < 0.9 ? { op: 'put', value: String(i), cas: Math.floor(rng() * 3) } : { op: 'delete' };
    const timedOut = input.op !== 'get' && rng() < timeoutRate;
    const op: Op = { id: i, client: `c${c}`, key: `k${Math.floor(rng() * keys)}`, call, return: timedOut ? null : call + length, input };
    planned.push({ op, at: call + rng() * length });
  }
  planned.sort((a, b) => a.at - b.at);
  const states = new Map<string, RegisterState>();
  return planned.map(({ op }) => {
    const s = states.get(op.key) ?? EMPTY_REGISTER;
    const after = stepRegister(s, op.input, undefined)!;
    states.set(op.key, after);
    if (op.return === null) return op;
    let output: KvOpOutput;
    if (op.input.op === 'get') output = { op: 'get', version: s.version, deleted: s.deleted, value: s.version === 0 || s.deleted ? null : s.value };
    else if (op.input.op === 'delete') output = { op: 'delete', version: s.version };
    else output = after === s ? { op: 'put', ok: false, current: s.version } : { op: 'put', ok: true, version: after.version };
    return { ...op, output };
  });
}
