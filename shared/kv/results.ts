// What applying one log entry to the KV store produced. Results are plain data: they are stored in
// client sessions, written into snapshots and sent back to clients, so they must round-trip as JSON.
import { isPlainObject } from './commands.ts';

export type KvApplyResult = KvApplied | KvRefused;

export interface KvApplied {
  readonly ok: true;
  readonly op: 'put' | 'delete' | 'restore';
  readonly key: string;
  /** The version written by a put, or the version marked deleted (0 if the key never existed);
   *  for a restore, the number of keys restored (and key is ""). */
  readonly version: number;
  /** Present when this (client, seq) had already been applied: the first result, repeated. */
  readonly duplicate?: true;
}

export type KvRefused =
  | {
      readonly ok: false;
      readonly code: 'cas-mismatch';
      readonly key: string;
      /** The version the command's cas asked for (0 = "the key must not exist"). */
      readonly expected: number;
      /** The key's current version (0 if it never existed). */
      readonly current: number;
      readonly duplicate?: true;
    }
  | { readonly ok: false; readonly code: 'store-full'; readonly key: string; readonly limit: number; readonly duplicate?: true }
  /** The key is at MAX_KEY_VERSION: one more version could not be stored exactly. */
  | { readonly ok: false; readonly code: 'version-limit'; readonly key: string; readonly limit: number; readonly duplicate?: true }
  | {
      /** The client already moved past this seq: the answer to it was forgotten, so refuse to guess. */
      readonly ok: false;
      readonly code: 'stale-session';
      readonly client: string;
      readonly seq: number;
      readonly lastSeq: number;
    }
  | { readonly ok: false; readonly code: 'invalid-command'; readonly message: string }
  /** A restore whose image did not decode: the store is left as it was. */
  | { readonly ok: false; readonly code: 'invalid-image'; readonly message: string };

/** Results that a session may remember (the ones produced by actually running a command). */
export type KvSessionResult = Exclude<KvApplyResult, { code: 'stale-session' } | { code: 'invalid-command' } | { code: 'invalid-image' } | { op: 'restore' }>;

/** Validates a remembered result read back from a snapshot. Throws Error with the reason. */
export function validateSessionResult(value: unknown): KvSessionResult {
  if (!isPlainObject(value)) throw new Error('session result must be an object');
  const { ok, key } = value;
  if (typeof key !== 'string') throw new Error('session result needs a string "key"');
  if (ok === true) {
    const { op, version } = value;
    if ((op !== 'put' && op !== 'delete') || !isCount(version)) throw new Error('bad applied result in session');
    return { ok: true, op, key, version };
  }
  if (value['code'] === 'cas-mismatch' && isCount(value['expected']) && isCount(value['current'])) {
    return { ok: false, code: 'cas-mismatch', key, expected: value['expected'], current: value['current'] };
  }
  if ((value['code'] === 'store-full' || value['code'] === 'version-limit') && isCount(value['limit'])) {
    return { ok: false, code: value['code'], key, limit: value['limit'] };
  }
  throw new Error(`unknown session result ${JSON.stringify(value).slice(0, 80)}`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
