// The brute-force oracle's search with memoisation, for histories too long to try every order
// (up to 16 operations): the same reading of real time and of unknown outcomes, the same spec
// (kv-spec.ts), and again nothing from wgl.ts or kv-model.ts. Where brute-force.ts enumerates which
// unknown-outcome operations took effect, this leaves them unplaced: the history is linearizable
// once every operation that answered is placed. Memo: (placed operations, every key's versions).
// Used to judge the checker's reductions for unknown outcomes, which need more operations than
// brute force can take to show up at all.
import type { Op } from '../kv-model.ts';
import { fits, NEVER_WRITTEN, runSpec, type SpecKey } from './kv-spec.ts';

export const MEMO_MAX_OPS = 16;

export function memoSearchLinearizable(history: readonly Op[]): boolean {
  if (history.length > MEMO_MAX_OPS) throw new Error(`at most ${MEMO_MAX_OPS} operations, got ${history.length}`);
  const answered = history.reduce((mask, op, i) => (op.return === null ? mask : mask | (1 << i)), 0);
  const failed = new Set<string>();
  const search = (placed: number, keys: ReadonlyMap<string, SpecKey>): boolean => {
    if ((placed & answered) === answered) return true;
    const memo = `${placed}|${JSON.stringify([...keys].sort())}`;
    if (failed.has(memo)) return false;
    for (let i = 0; i < history.length; i++) {
      if ((placed & (1 << i)) !== 0) continue;
      const op = history[i]!;
      // op may go next only if no operation still to place returned strictly before it was called.
      if (history.some((other, j) => j !== i && (placed & (1 << j)) === 0 && other.return !== null && other.return < op.call)) continue;
      const { key, output } = runSpec(keys.get(op.key) ?? NEVER_WRITTEN, op.input);
      if (!fits(op.output, output)) continue;
      if (search(placed | (1 << i), new Map(keys).set(op.key, key))) return true;
    }
    failed.add(memo);
    return false;
  };
  return search(0, new Map());
}
