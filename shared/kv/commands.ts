// KV commands as they travel inside Entry.data. The core replicates them as opaque text; only the
// state machine (and the proposer) read them, so this file is the one place their shape is checked.
import { keyProblem } from './keys.ts';
import { MAX_CLIENT_ID_BYTES, MAX_RESTORE_BYTES, MAX_TIME_MS, MAX_VALUE_BYTES, utf8Length } from './limits.ts';

export type KvCommand = KvPut | KvDelete | KvRestore;

export interface KvPut {
  readonly op: 'put';
  readonly key: string;
  readonly data: Record<string, unknown>;
  /** Check-and-set: 0 = create only; N = only if the current version is N (Vault KV v2). */
  readonly cas?: number;
  /** Client session: the same (client, seq) applies once; a retry gets the first result. */
  readonly client?: string;
  readonly seq?: number;
  /** Milliseconds since the epoch, chosen by the proposer so apply stays deterministic. */
  readonly time: number;
}

export interface KvDelete {
  readonly op: 'delete';
  readonly key: string;
  readonly client?: string;
  readonly seq?: number;
  readonly time: number;
}

/**
 * Disaster recovery: replace the whole store with an image taken by KvStore.snapshot() (possibly
 * on another cluster). It travels through the log like any command, so every replica restores the
 * same image at the same index. Not part of client sessions: restoring the same image twice is
 * harmless.
 */
export interface KvRestore {
  readonly op: 'restore';
  readonly image: string;
  readonly time: number;
}

export class KvCommandError extends Error {
  override readonly name = 'KvCommandError';
}

/** Validates and serialises a command; the text is what goes into Entry.data. */
export function encodeCommand(command: KvCommand): string {
  const valid = validateCommand(command);
  // Fixed field order so that the same command always encodes to the same text.
  if (valid.op === 'restore') return JSON.stringify({ op: valid.op, image: valid.image, time: valid.time });
  const out: Record<string, unknown> = { op: valid.op, key: valid.key };
  if (valid.op === 'put') {
    out['data'] = valid.data;
    if (valid.cas !== undefined) out['cas'] = valid.cas;
  }
  if (valid.client !== undefined) {
    out['client'] = valid.client;
    out['seq'] = valid.seq;
  }
  out['time'] = valid.time;
  return JSON.stringify(out);
}

/** Parses Entry.data text into a command; throws KvCommandError saying what is wrong. */
export function decodeCommand(text: string): KvCommand {
  if (typeof text !== 'string') throw new KvCommandError('a KV command must be JSON text');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KvCommandError(`a KV command must be JSON text; got ${preview(text)}`);
  }
  // A short text cannot hold an oversized value: JSON.stringify of parsed data is at most ~6× the
  // source (a number such as 1e20 grows most), so the exact size check is skipped below that.
  return validate(parsed, text.length * 3 * 8 <= MAX_VALUE_BYTES);
}

/** Checks an untrusted value against the KvCommand shape and the size limits. */
export function validateCommand(value: unknown): KvCommand {
  return validate(value, false);
}

function validate(value: unknown, sizeSurelyWithinLimit: boolean): KvCommand {
  if (!isPlainObject(value)) throw new KvCommandError('a KV command must be a JSON object');
  const op = value['op'];
  if (op !== 'put' && op !== 'delete' && op !== 'restore') {
    throw new KvCommandError(`"op" must be "put", "delete" or "restore"; got ${describe(op)}`);
  }
  if (op === 'restore') return validateRestore(value);
  const allowed = op === 'put' ? PUT_FIELDS : DELETE_FIELDS;
  for (const field of Object.keys(value)) {
    if (!allowed.has(field)) throw new KvCommandError(`unknown field "${field}" in a ${op} command`);
  }
  const key = validateKey(value['key']);
  const time = value['time'];
  if (!isTime(time)) throw new KvCommandError(`"time" must be an integer from 0 to ${MAX_TIME_MS} (ms since the epoch); got ${describe(time)}`);
  const session = validateSession(value['client'], value['seq']);
  if (op === 'delete') return { op, key, ...session, time };

  const data = value['data'];
  if (!isPlainObject(data)) throw new KvCommandError(`"data" must be a JSON object; got ${describe(data)}`);
  const dataBytes = sizeSurelyWithinLimit ? 0 : utf8Length(JSON.stringify(data));
  if (dataBytes > MAX_VALUE_BYTES) {
    throw new KvCommandError(`value of "${key}" is ${dataBytes} bytes of JSON; the limit is ${MAX_VALUE_BYTES}`);
  }
  const cas = value['cas'];
  if (cas !== undefined && (typeof cas !== 'number' || !Number.isSafeInteger(cas) || cas < 0)) {
    throw new KvCommandError(`"cas" must be a non-negative integer version; got ${describe(cas)}`);
  }
  const put: KvPut = { op, key, data, ...(cas === undefined ? {} : { cas }), ...session, time };
  return put;
}

/** Keys follow keyProblem's rule (keys.ts); this is its form for commands and snapshots. */
export function validateKey(key: unknown): string {
  if (typeof key !== 'string') throw new KvCommandError(`"key" must be a string; got ${describe(key)}`);
  const problem = keyProblem(key);
  if (problem !== null) throw new KvCommandError(`key ${preview(JSON.stringify(key))}: ${problem}`);
  return key;
}

function validateSession(client: unknown, seq: unknown): { client?: string; seq?: number } {
  if (client === undefined && seq === undefined) return {};
  if (typeof client !== 'string' || client.length === 0 || utf8Length(client) > MAX_CLIENT_ID_BYTES) {
    throw new KvCommandError(`"client" must be a non-empty string of at most ${MAX_CLIENT_ID_BYTES} bytes when "seq" is given; got ${describe(client)}`);
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    throw new KvCommandError(`"seq" must be a positive integer when "client" is given; got ${describe(seq)}`);
  }
  return { client, seq };
}

function validateRestore(value: Record<string, unknown>): KvRestore {
  for (const field of Object.keys(value)) {
    if (!RESTORE_FIELDS.has(field)) throw new KvCommandError(`unknown field "${field}" in a restore command`);
  }
  const { image, time } = value;
  if (typeof image !== 'string') throw new KvCommandError(`"image" must be snapshot text; got ${describe(image)}`);
  const bytes = utf8Length(image);
  if (bytes > MAX_RESTORE_BYTES) throw new KvCommandError(`the image is ${bytes} bytes; the limit is ${MAX_RESTORE_BYTES}`);
  if (!isTime(time)) throw new KvCommandError(`"time" must be an integer from 0 to ${MAX_TIME_MS} (ms since the epoch); got ${describe(time)}`);
  return { op: 'restore', image, time };
}

const RESTORE_FIELDS = new Set(['op', 'image', 'time']);
const PUT_FIELDS = new Set(['op', 'key', 'data', 'cas', 'client', 'seq', 'time']);
const DELETE_FIELDS = new Set(['op', 'key', 'client', 'seq', 'time']);

/** A time every reader can turn into a date (new Date(t).toISOString() throws past year 275760). */
export function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TIME_MS;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return preview(JSON.stringify(value));
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return preview(String(value));
}

function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
