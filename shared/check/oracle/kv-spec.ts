// An independent, deliberately naive specification of one KV key, for the brute-force oracle.
// It is written from the store's documented behaviour (Vault KV v2: numbered versions, soft delete
// of the latest version, check-and-set), NOT from kv-model.ts, and in a different form: kv-model is
// a predicate ("may this answer happen here?"); this computes THE answer and compares. A mistake in
// the checker's model then shows up as a disagreement instead of being copied into its own test.
// Only the record shapes (types) come from kv-model.ts.
import type { KvOpInput, KvOpOutput } from '../kv-model.ts';

interface SpecVersion {
  readonly value: string;
  readonly deleted: boolean;
}

/** Every version ever written to the key, oldest first: version n is versions[n - 1]. */
export type SpecKey = readonly SpecVersion[];

export const NEVER_WRITTEN: SpecKey = [];

/** Applies `input` to `key`: the key afterwards and the answer the store gives. */
export function runSpec(key: SpecKey, input: KvOpInput): { key: SpecKey; output: KvOpOutput } {
  const current = key.length;
  const latest = key[current - 1];
  switch (input.op) {
    case 'get':
      if (latest === undefined) return { key, output: { op: 'get', version: 0, deleted: false, value: null } };
      return { key, output: { op: 'get', version: current, deleted: latest.deleted, value: latest.deleted ? null : latest.value } };
    case 'delete':
      // Deleting marks the latest version; a missing key stays missing and answers version 0.
      if (latest === undefined) return { key, output: { op: 'delete', version: 0 } };
      return { key: [...key.slice(0, -1), { value: latest.value, deleted: true }], output: { op: 'delete', version: current } };
    case 'put': {
      let allowed: boolean;
      if (input.cas === undefined) allowed = true;
      else if (input.cas === 0) allowed = latest === undefined || latest.deleted; // create only
      else allowed = input.cas === current;
      if (!allowed) return { key, output: { op: 'put', ok: false, current } };
      return { key: [...key, { value: input.value, deleted: false }], output: { op: 'put', ok: true, version: current + 1 } };
    }
  }
}

/**
 * Whether a client that received `recorded` could have been given `actual`. An unknown outcome
 * (undefined) fits anything; a refused put or a delete may leave the version out (not every
 * recorder knows it). Everything else must match exactly.
 */
export function fits(recorded: KvOpOutput | undefined, actual: KvOpOutput): boolean {
  if (recorded === undefined) return true;
  if (recorded.op === 'put' && actual.op === 'put') {
    if (recorded.ok && actual.ok) return recorded.version === actual.version;
    if (!recorded.ok && !actual.ok) return recorded.current === undefined || recorded.current === actual.current;
    return false;
  }
  if (recorded.op === 'delete' && actual.op === 'delete') return recorded.version === undefined || recorded.version === actual.version;
  if (recorded.op === 'get' && actual.op === 'get') {
    return recorded.version === actual.version && recorded.deleted === actual.deleted && recorded.value === actual.value;
  }
  return false;
}
