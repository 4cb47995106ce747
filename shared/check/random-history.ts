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

export interface TimedOutWritesOptions {
  /** Writes whose answer is lost (each client then reads once before its next write). */
  readonly writes: number;
  readonly clients: number;
  /** Share of the timed-out writes that still take effect, some time after the client gave up. Default 0.5. */
  readonly effectRate?: number;
}

/**
 * What a chaos run leaves on one key "k": every write times out (unknown outcome, open forever), a
 * timed-out write takes effect at some random later instant or never, and the reads in between
 * (which all answer) see whichever did. Linearizable by construction. The worst case for a search
 * that must decide, for every open write, whether and when it happened.
 */
export function timedOutWritesHistory(rng: () => number, options: TimedOutWritesOptions): Op[] {
  const TIMEOUT = 10;
  const effectRate = options.effectRate ?? 0.5;
  const planned: Array<{ op: Op; at: number | null }> = [];
  const clientFree = new Array<number>(options.clients).fill(0);
  for (let i = 0; i < options.writes; i++) {
    const c = i % options.clients;
    const call = clientFree[c]! + Math.floor(rng() * 3);
    const at = rng() < effectRate ? call + rng() * 4 * TIMEOUT : null;
    planned.push({ op: { id: 2 * i, client: `c${c}`, key: 'k', call, return: null, input: { op: 'put', value: `"w${i}"` } }, at });
    const readCall = call + TIMEOUT;
    const length = 1 + Math.floor(rng() * 3);
    clientFree[c] = readCall + length + 1;
    planned.push({ op: { id: 2 * i + 1, client: `c${c}`, key: 'k', call: readCall, return: readCall + length, input: { op: 'get' } }, at: readCall + rng() * length });
  }
  let state = EMPTY_REGISTER;
  const outputs = new Map<number, KvOpOutput>();
  for (const { op } of planned.filter((p) => p.at !== null).sort((a, b) => a.at! - b.at!)) {
    if (op.input.op === 'get') outputs.set(op.id, { op: 'get', version: state.version, deleted: state.deleted, value: state.version === 0 || state.deleted ? null : state.value });
    state = stepRegister(state, op.input, undefined)!;
  }
  return planned.map(({ op }) => (op.return === null ? op : { ...op, output: outputs.get(op.id)! }));
}
