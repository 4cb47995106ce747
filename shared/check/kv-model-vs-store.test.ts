// The checker's sequential model (kv-model.ts) against the real state machine (shared/kv/store.ts):
// the same random operation sequences run on both, and at every step the model must accept the
// store's answer and no other well-formed answer, and end in the state the store shows. Answers
// are turned into checker records as the client history does for the lab and the simulator alike
// (shared/protocol/client-history.ts).
import { describe, expect, it } from 'vitest';
import { encodeCommand, KvStore, type KvApplyResult } from '../kv/index.ts';
import { MAX_KEY_VERSION } from '../kv/limits.ts';
import { encodeSnapshot } from '../kv/snapshot.ts';
import { createPrng, type Prng } from '../net/prng.ts';
import { EMPTY_REGISTER, stepRegister, type KvOpInput, type KvOpOutput, type RegisterState } from './kv-model.ts';

const SEQUENCES = 200;
const STEPS = 80;
const KEYS = ['a', 'b'];
const VALUES = [{ n: 1 }, { n: 2 }, { n: 3 }, { s: 'x' }].map((data) => JSON.stringify(data));

/** What a reader of the store can see of a key (the model keeps a deleted value; nobody sees it). */
function visible(s: RegisterState): RegisterState {
  return { version: s.version, deleted: s.deleted, value: s.version === 0 || s.deleted ? null : s.value };
}

function storeState(store: KvStore, key: string): RegisterState {
  const entry = store.get(key);
  if (entry === undefined) return EMPTY_REGISTER;
  return { version: entry.version, deleted: entry.deleted, value: entry.data === null ? null : JSON.stringify(entry.data) };
}

function writeOutput(input: KvOpInput, result: KvApplyResult): KvOpOutput {
  if (!result.ok && result.code !== 'cas-mismatch') throw new Error(`unexpected store answer ${JSON.stringify(result)}`);
  if (input.op === 'delete') return { op: 'delete', version: result.ok ? result.version : 0 };
  return result.ok ? { op: 'put', ok: true, version: result.version } : { op: 'put', ok: false, current: result.current };
}

/** cas values aimed around the current version, so matches, mismatches and create-only all occur. */
function randomInput(rng: Prng, current: number): KvOpInput {
  const value = VALUES[Math.floor(rng() * VALUES.length)]!;
  const r = rng();
  if (r < 0.25) return { op: 'get' };
  if (r < 0.45) return { op: 'put', value };
  if (r < 0.6) return { op: 'put', value, cas: 0 };
  if (r < 0.8) return { op: 'put', value, cas: Math.max(1, current + Math.floor(rng() * 3) - 1) };
  return { op: 'delete' };
}

/** Every answer to `input` near `around` (the version the store holds), including reads that
 *  say "missing" or "deleted" yet carry a value: a buggy recorder could produce those. */
function candidateOutputs(input: KvOpInput, around: number): KvOpOutput[] {
  const versions = Array.from({ length: 6 }, (_, i) => around - 2 + i).filter((v) => v >= 0);
  switch (input.op) {
    case 'put':
      return versions.flatMap((v): KvOpOutput[] => [{ op: 'put', ok: false, current: v }, ...(v > 0 ? [{ op: 'put', ok: true, version: v } as const] : [])]);
    case 'delete':
      return versions.map((version) => ({ op: 'delete', version }));
    case 'get':
      return versions.flatMap((version): KvOpOutput[] =>
        [null, ...VALUES].flatMap((value): KvOpOutput[] => [
          { op: 'get', version, deleted: false, value },
          ...(version > 0 ? [{ op: 'get', version, deleted: true, value } as const] : []),
        ]),
      );
  }
}

/** What is wrong with the model's view of one step, or null when it agrees with the store. */
function disagreement(before: RegisterState, input: KvOpInput, output: KvOpOutput, around: number, after: RegisterState): string | null {
  const next = stepRegister(before, input, output);
  if (next === null) return "the model refused the store's answer";
  const same = (s: RegisterState) => JSON.stringify(visible(s)) === JSON.stringify(after);
  if (!same(next)) return `the model ends in ${JSON.stringify(visible(next))}, the store in ${JSON.stringify(after)}`;
  // The same operation with its answer lost must reach the same state (it did take effect).
  const lost = stepRegister(before, input, undefined);
  if (lost === null || !same(lost)) return `with the answer lost the model ends in ${JSON.stringify(lost)}`;
  // Exactness: every other answer is impossible here.
  const accepted = candidateOutputs(input, around).filter((candidate) => stepRegister(before, input, candidate) !== null);
  if (JSON.stringify(accepted) !== JSON.stringify([output])) return `the model accepts ${JSON.stringify(accepted)}`;
  // Recorders that do not know the version (a refused cas, a delete) may leave it out.
  if (output.op === 'put' && !output.ok && stepRegister(before, input, { op: 'put', ok: false }) === null) return 'the model refuses a refusal without its version';
  if (output.op === 'delete' && stepRegister(before, input, { op: 'delete' }) === null) return 'the model refuses a delete without its version';
  return null;
}

describe('kv-model against the real KvStore', () => {
  it(`accepts exactly the store's answer at every step of ${SEQUENCES} random sequences`, () => {
    const failures: string[] = [];
    const seen = { steps: 0, applied: 0, casMismatch: 0, createOnlyOverDeleted: 0, deletedReads: 0 };
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const rng = createPrng(1000 + sequence);
      const store = new KvStore();
      const model = new Map<string, RegisterState>();
      for (let step = 1; step <= STEPS; step++) {
        const key = KEYS[Math.floor(rng() * KEYS.length)]!;
        const before = model.get(key) ?? EMPTY_REGISTER;
        const storeBefore = storeState(store, key);
        const input = randomInput(rng, storeBefore.version);
        let output: KvOpOutput;
        if (input.op === 'get') {
          store.skip(step);
          output = { op: 'get', ...storeBefore };
          if (storeBefore.deleted) seen.deletedReads++;
        } else {
          const data = input.op === 'put' ? (JSON.parse(input.value) as Record<string, unknown>) : undefined;
          const command = data === undefined ? { op: 'delete' as const, key, time: step } : { op: 'put' as const, key, data, ...(input.op === 'put' && input.cas !== undefined ? { cas: input.cas } : {}), time: step };
          const result = store.apply(step, encodeCommand(command));
          output = writeOutput(input, result);
          if (output.op === 'put' && output.ok) seen.applied++;
          if (output.op === 'put' && !output.ok) seen.casMismatch++;
          if (input.op === 'put' && input.cas === 0 && output.op === 'put' && output.ok && storeBefore.deleted) seen.createOnlyOverDeleted++;
        }
        seen.steps++;
        const problem = disagreement(before, input, output, storeBefore.version, storeState(store, key));
        if (problem !== null) failures.push(`sequence ${sequence} step ${step}: ${key} ${JSON.stringify(input)} from ${JSON.stringify(before)}, store answered ${JSON.stringify(output)}: ${problem}`);
        const next = stepRegister(before, input, output);
        if (next === null) break; // already reported; the model has no state to go on from
        model.set(key, next);
      }
    }
    expect(failures.slice(0, 5).join('\n')).toBe('');
    console.log(`kv-model vs KvStore: ${JSON.stringify(seen)}`);
    // Not vacuous: the interesting paths were all taken many times.
    expect(seen.steps).toBe(SEQUENCES * STEPS);
    expect(seen.applied).toBeGreaterThan(3000);
    expect(seen.casMismatch).toBeGreaterThan(1000);
    expect(seen.createOnlyOverDeleted).toBeGreaterThan(200);
    expect(seen.deletedReads).toBeGreaterThan(200);
  });
});

describe('kv-model against the real KvStore at the version cap', () => {
  // A key cannot reach MAX_KEY_VERSION from empty in any checked history, but a restored image can
  // hold one there. The store then refuses every put with 'version-limit'; recorders keep such a
  // put unknown or leave it out (client-history.ts), so the model must
  // agree with the store when the refused put is taken as never having happened.
  it("accepts the store's answers on a key one version below the cap, and past it", () => {
    const below = MAX_KEY_VERSION - 1;
    const image = encodeSnapshot({
      appliedIndex: 0,
      keys: new Map([['a', { createdTime: 0, updatedTime: 0, currentVersion: below, versions: new Map([[below, { data: { n: 1 }, createdTime: 0, deletionTime: null }]]) }]]),
      sessions: [],
    });
    const store = KvStore.restore(image);
    let model: RegisterState = storeState(store, 'a');
    expect(model).toEqual({ version: below, deleted: false, value: '{"n":1}' });
    let index = 0;
    const put = (cas?: number) => store.apply(++index, encodeCommand({ op: 'put', key: 'a', data: { n: 2 }, ...(cas === undefined ? {} : { cas }), time: index }));
    const step = (input: KvOpInput, output: KvOpOutput | undefined) => {
      const next = stepRegister(model, input, output);
      expect(next, `${JSON.stringify(input)} → ${JSON.stringify(output)} from ${JSON.stringify(model)}`).not.toBeNull();
      model = next!;
      expect(visible(model)).toEqual(storeState(store, 'a'));
    };

    const last = put(below);
    expect(last).toEqual({ ok: true, op: 'put', key: 'a', version: MAX_KEY_VERSION });
    step({ op: 'put', value: '{"n":2}', cas: below }, writeOutput({ op: 'put', value: '{"n":2}' }, last));
    for (const cas of [undefined, MAX_KEY_VERSION]) {
      expect(put(cas)).toMatchObject({ ok: false, code: 'version-limit' });
      expect(storeState(store, 'a').version).toBe(MAX_KEY_VERSION); // nothing happened, as the model has it
    }
    const deletion = store.apply(++index, encodeCommand({ op: 'delete', key: 'a', time: index }));
    step({ op: 'delete' }, writeOutput({ op: 'delete' }, deletion));
    expect(put(0)).toMatchObject({ ok: false, code: 'version-limit' }); // create-only over a deleted key: the cap still holds
    step({ op: 'get' }, { op: 'get', ...storeState(store, 'a') });
    expect(model).toMatchObject({ version: MAX_KEY_VERSION, deleted: true });
  });
});
