// The WGL checker judged by an independent brute-force oracle (oracle/brute-force.ts on
// oracle/kv-spec.ts, which share no code with the checker), on thousands of small histories: ones
// linearizable by construction, and the same ones with one result mutated. Each round is seeded
// by its number (createPrng(round)), so a disagreement replays from the round printed with it.
import { describe, expect, it } from 'vitest';
import { createPrng } from '../net/prng.ts';
import { describeOp, type KvOpInput, type KvOpOutput, type Op } from './kv-model.ts';
import { checkLinearizability } from './linearizability.ts';
import { bruteForceLinearizable, ORACLE_MAX_OPS } from './oracle/brute-force.ts';
import { MEMO_MAX_OPS, memoSearchLinearizable } from './oracle/memo-search.ts';
import { mutate, MUTATION_KINDS, type MutationKind } from './oracle/mutations.ts';
import { specHistory } from './oracle/spec-history.ts';

const ROUNDS = 5000;

let nextId = 0;
const op = (call: number, ret: number | null, input: KvOpInput, output?: KvOpOutput): Op => ({
  id: nextId++,
  client: `c${nextId}`,
  key: 'k',
  call,
  return: ret,
  input,
  ...(output === undefined ? {} : { output }),
});

describe('the brute-force oracle itself', () => {
  // Hand-made verdicts, so the oracle is not trusted merely for agreeing with the checker.
  it('accepts concurrent writes read in either order, and a lost answer either way', () => {
    const a = op(0, 10, { op: 'put', value: '"a"' }, { op: 'put', ok: true, version: 2 });
    const b = op(1, 9, { op: 'put', value: '"b"' }, { op: 'put', ok: true, version: 1 });
    const read = op(2, 8, { op: 'get' }, { op: 'get', version: 1, deleted: false, value: '"b"' });
    expect(bruteForceLinearizable([a, b, read])).toBe(true);
    const lost = op(0, null, { op: 'put', value: '"x"' });
    expect(bruteForceLinearizable([lost, op(5, 6, { op: 'get' }, { op: 'get', version: 1, deleted: false, value: '"x"' })])).toBe(true);
    expect(bruteForceLinearizable([lost, op(5, 6, { op: 'get' }, { op: 'get', version: 0, deleted: false, value: null })])).toBe(true);
  });

  it('rejects a stale read, a double create-only write and a read of a deleted value', () => {
    const write = (call: number, ret: number, value: string, version: number) => op(call, ret, { op: 'put', value }, { op: 'put', ok: true, version });
    expect(bruteForceLinearizable([write(0, 1, '"A"', 1), write(2, 3, '"B"', 2), op(4, 5, { op: 'get' }, { op: 'get', version: 1, deleted: false, value: '"A"' })])).toBe(false);
    const create = (value: string) => op(0, 10, { op: 'put', value, cas: 0 }, { op: 'put', ok: true, version: 1 });
    expect(bruteForceLinearizable([create('"a"'), create('"b"')])).toBe(false);
    const deleted = op(2, 3, { op: 'delete' }, { op: 'delete', version: 1 });
    expect(bruteForceLinearizable([write(0, 1, '"A"', 1), deleted, op(4, 5, { op: 'get' }, { op: 'get', version: 1, deleted: false, value: '"A"' })])).toBe(false);
  });

  it('counts touching intervals as concurrent', () => {
    const write = op(0, 5, { op: 'put', value: '"A"' }, { op: 'put', ok: true, version: 1 });
    const notYet = (call: number) => op(call, call + 1, { op: 'get' }, { op: 'get', version: 0, deleted: false, value: null });
    expect(bruteForceLinearizable([write, notYet(5)])).toBe(true);
    expect(bruteForceLinearizable([write, notYet(6)])).toBe(false);
  });
});

describe('checkLinearizability agrees with the brute-force oracle', () => {
  it(`on ${ROUNDS} random histories of up to ${ORACLE_MAX_OPS} operations and their one-result mutations`, () => {
    type Kind = 'unmutated' | MutationKind;
    const tally = new Map<Kind, { linearizable: number; not: number }>();
    const disagreements: string[] = [];
    const compare = (kind: Kind, round: number, history: readonly Op[]) => {
      const oracle = bruteForceLinearizable(history);
      const checker = checkLinearizability(history).ok;
      const counts = tally.get(kind) ?? { linearizable: 0, not: 0 };
      if (oracle) counts.linearizable++;
      else counts.not++;
      tally.set(kind, counts);
      if (oracle !== checker) {
        const lines = history.map((o) => `  ${o.key}: ${describeOp(o)}`);
        disagreements.push([`round ${round} (${kind}): oracle says ${oracle ? '' : 'NOT '}linearizable, checker says ${checker ? '' : 'NOT '}linearizable`, ...lines].join('\n'));
      }
    };
    for (let round = 0; round < ROUNDS; round++) {
      const rng = createPrng(round);
      const options = { operations: 2 + Math.floor(rng() * (ORACLE_MAX_OPS - 1)), clients: 1 + Math.floor(rng() * 4), keys: rng() < 0.7 ? 1 : 2, timeoutRate: 0.15 };
      const history = specHistory(rng, options);
      compare('unmutated', round, history);
      for (const kind of MUTATION_KINDS) {
        const mutated = mutate(rng, history, kind);
        if (mutated !== null) compare(kind, round, mutated);
      }
    }

    const total = (pick: (c: { linearizable: number; not: number }) => number) => [...tally.values()].reduce((sum, c) => sum + pick(c), 0);
    const linearizable = total((c) => c.linearizable);
    const not = total((c) => c.not);
    console.log(
      [
        `oracle vs checker: ${linearizable + not} histories compared, ${linearizable} linearizable, ${not} not, ${disagreements.length} disagreements`,
        ...[...tally].map(([kind, c]) => `  ${kind.padEnd(10)} ${String(c.linearizable).padStart(5)} linearizable ${String(c.not).padStart(5)} not`),
      ].join('\n'),
    );
    expect(disagreements.slice(0, 5).join('\n\n')).toBe('');

    // Not vacuous: both verdicts are common, and every mutation kind that can break a history did.
    expect(linearizable + not).toBeGreaterThan(25_000);
    expect(linearizable).toBeGreaterThan(10_000);
    expect(not).toBeGreaterThan(8_000);
    expect(tally.get('unmutated')).toEqual({ linearizable: ROUNDS, not: 0 }); // true by construction
    for (const kind of ['read-value', 'version', 'ok-fail', 'shift-time'] as const) expect(tally.get(kind)!.not).toBeGreaterThan(500);
    expect(tally.get('timeout')!.not).toBe(0); // losing an answer can never make a history impossible
  });
});

// The checker's reductions for unknown outcomes (wgl.ts: interchangeable open writes, pinned ones,
// unobservable values, reads placed at once) only show on histories with several open writes and
// reads of them, longer than brute force can take: judged here by the same search with a memo.
describe('checkLinearizability agrees with the memoised exhaustive search on longer histories', () => {
  const LONG_ROUNDS = 300;
  /** More values than SPEC_VALUES, so a value is often written once and a read pins its write. */
  const VALUES = Array.from({ length: 12 }, (_, i) => `"v${i}"`);

  it('which itself agrees with brute force where both can go', () => {
    for (let round = 0; round < 400; round++) {
      const rng = createPrng(50_000 + round);
      const history = specHistory(rng, { operations: 2 + Math.floor(rng() * (ORACLE_MAX_OPS - 1)), clients: 1 + Math.floor(rng() * 4), keys: 1, timeoutRate: 0.3 });
      for (const h of [history, ...MUTATION_KINDS.map((kind) => mutate(rng, history, kind))]) {
        if (h !== null) expect(memoSearchLinearizable(h), `round ${round}`).toBe(bruteForceLinearizable(h));
      }
    }
  });

  it(`on ${LONG_ROUNDS} histories of 9 to ${MEMO_MAX_OPS} operations, a third of them or more timed out, and their mutations`, () => {
    const disagreements: string[] = [];
    let linearizable = 0;
    let not = 0;
    let open = 0;
    for (let round = 0; round < LONG_ROUNDS; round++) {
      const rng = createPrng(100_000 + round);
      const operations = 9 + Math.floor(rng() * (MEMO_MAX_OPS - 8));
      const options = { operations, clients: 2 + Math.floor(rng() * 5), keys: rng() < 0.8 ? 1 : 2, timeoutRate: 0.3 + rng() * 0.3, ...(rng() < 0.6 ? { values: VALUES } : {}) };
      const history = specHistory(rng, options);
      open += history.filter((op) => op.return === null).length;
      for (const h of [history, ...MUTATION_KINDS.map((kind) => mutate(rng, history, kind))]) {
        if (h === null) continue;
        const expected = memoSearchLinearizable(h);
        const verdict = checkLinearizability(h, { maxStates: Infinity }).verdict;
        if (expected) linearizable++;
        else not++;
        if (verdict !== (expected ? 'linearizable' : 'violation')) {
          disagreements.push([`round ${round}: the search says ${expected ? '' : 'NOT '}linearizable, the checker ${verdict}`, ...h.map((o) => `  ${o.key}: ${describeOp(o)}`)].join('\n'));
        }
      }
    }
    console.log(`memoised search vs checker: ${linearizable + not} histories (${open} timed-out ops in the unmutated ones), ${linearizable} linearizable, ${not} not, ${disagreements.length} disagreements`);
    expect(disagreements.slice(0, 3).join('\n\n')).toBe('');
    expect(linearizable).toBeGreaterThan(600);
    expect(not).toBeGreaterThan(600);
  });
});
