// The KV store's snapshot format: plain JSON text, validated field by field on restore because a
// snapshot may come from a file a person uploaded (POST /v1/sys/storage/raft/snapshot).
import { isPlainObject, isTime, validateKey } from './commands.ts';
import { MAX_CLIENT_SESSIONS, MAX_KEY_VERSION, MAX_KEYS, MAX_TIME_MS, MAX_VALUE_BYTES, MAX_VERSIONS_PER_KEY, utf8Length } from './limits.ts';
import { validateSessionResult } from './results.ts';
import type { SessionRecord } from './sessions.ts';

export const SNAPSHOT_FORMAT = 'raftlab-kv/1';

// Records are never changed once stored: a write makes a new KeyRecord (its versions map copied,
// at most MAX_VERSIONS_PER_KEY entries). So a capture of the store is a shallow copy of its map,
// and a node can encode that capture over many event-loop turns while it goes on applying entries.
export interface VersionRecord {
  /** Kept after a soft delete, as Vault does (an undelete could bring it back). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdTime: number;
  readonly deletionTime: number | null;
}

export interface KeyRecord {
  readonly createdTime: number;
  readonly updatedTime: number;
  readonly currentVersion: number;
  /** version → record; only the newest MAX_VERSIONS_PER_KEY are kept. */
  readonly versions: ReadonlyMap<number, VersionRecord>;
}

export interface SnapshotImage {
  readonly appliedIndex: number;
  readonly keys: ReadonlyMap<string, KeyRecord>;
  /** Least recently used first. */
  readonly sessions: Array<[string, SessionRecord]>;
}

export class KvSnapshotError extends Error {
  override readonly name = 'KvSnapshotError';
}

export function encodeSnapshot(image: SnapshotImage): string {
  return [...snapshotPieces(image)].join('');
}

/**
 * The snapshot text of `image` in pieces (a head, one piece per key, a tail) whose concatenation is
 * encodeSnapshot(image), byte for byte: a node encodes a large store a few keys per event-loop turn.
 * Every piece is whole JSON syntax around whole values, never half a character.
 */
export function* snapshotPieces(image: SnapshotImage): Generator<string, void, undefined> {
  yield `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"appliedIndex":${JSON.stringify(image.appliedIndex)},"keys":[`;
  let first = true;
  for (const [key, record] of image.keys) {
    const versions = [...record.versions].map(([version, v]) => ({ version, data: v.data, createdTime: v.createdTime, deletionTime: v.deletionTime }));
    const text = JSON.stringify({ key, createdTime: record.createdTime, updatedTime: record.updatedTime, currentVersion: record.currentVersion, versions });
    yield first ? text : `,${text}`;
    first = false;
  }
  yield `],"sessions":${JSON.stringify(image.sessions.map(([client, s]) => ({ client, lastSeq: s.lastSeq, lastResult: s.lastResult })))}}`;
}

/** The decoded image owns its key map: the store that restores from it takes the map over. */
export function decodeSnapshot(text: string): SnapshotImage & { readonly keys: Map<string, KeyRecord> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KvSnapshotError('KV snapshot is not JSON text');
  }
  if (!isPlainObject(parsed)) throw new KvSnapshotError('KV snapshot must be a JSON object');
  if (parsed['format'] !== SNAPSHOT_FORMAT) {
    throw new KvSnapshotError(`KV snapshot format must be "${SNAPSHOT_FORMAT}"; got ${JSON.stringify(parsed['format'])}`);
  }
  const appliedIndex = count(parsed['appliedIndex'], 'appliedIndex');
  const keyList = array(parsed['keys'], 'keys', MAX_KEYS);
  const keys = new Map<string, KeyRecord>();
  for (const item of keyList) {
    const [key, record] = decodeKey(item);
    if (keys.has(key)) throw new KvSnapshotError(`KV snapshot lists key ${JSON.stringify(key)} twice`);
    keys.set(key, record);
  }
  const sessionList = array(parsed['sessions'], 'sessions', MAX_CLIENT_SESSIONS);
  const sessions: Array<[string, SessionRecord]> = [];
  const seen = new Set<string>();
  for (const item of sessionList) {
    if (!isPlainObject(item) || typeof item['client'] !== 'string' || item['client'] === '') {
      throw new KvSnapshotError('KV snapshot session needs a non-empty "client"');
    }
    const client = item['client'];
    if (seen.has(client)) throw new KvSnapshotError(`KV snapshot lists client ${JSON.stringify(client)} twice`);
    seen.add(client);
    let lastResult;
    try {
      lastResult = validateSessionResult(item['lastResult']);
    } catch (error) {
      throw new KvSnapshotError(`KV snapshot session ${JSON.stringify(client)}: ${(error as Error).message}`);
    }
    sessions.push([client, { lastSeq: count(item['lastSeq'], 'lastSeq'), lastResult }]);
  }
  return { appliedIndex, keys, sessions };
}

function decodeKey(item: unknown): [string, KeyRecord] {
  if (!isPlainObject(item)) throw new KvSnapshotError('KV snapshot key entry must be an object');
  let key: string;
  try {
    key = validateKey(item['key']);
  } catch (error) {
    throw new KvSnapshotError(`KV snapshot: ${(error as Error).message}`);
  }
  const where = `key ${JSON.stringify(key)}`;
  // The same bounds a write keeps (store.ts): a restored key must take further writes, and its
  // record must decode again after the node's next snapshot and restart.
  const currentVersion = count(item['currentVersion'], `${where} currentVersion`);
  if (currentVersion < 1 || currentVersion > MAX_KEY_VERSION) {
    throw new KvSnapshotError(`${where}: currentVersion must be from 1 to ${MAX_KEY_VERSION}; got ${currentVersion}`);
  }
  const versions = new Map<number, VersionRecord>();
  for (const v of array(item['versions'], `${where} versions`, MAX_VERSIONS_PER_KEY)) {
    if (!isPlainObject(v) || !isPlainObject(v['data'])) throw new KvSnapshotError(`${where}: a version needs an object "data"`);
    const version = count(v['version'], `${where} version`);
    // A store keeps the newest MAX_VERSIONS_PER_KEY versions; an older one would never be dropped
    // and the key would soon hold more versions than an image may list.
    if (version > currentVersion || version <= currentVersion - MAX_VERSIONS_PER_KEY || versions.has(version)) {
      throw new KvSnapshotError(`${where}: version ${version} is not one of the ${MAX_VERSIONS_PER_KEY} newest up to currentVersion ${currentVersion}, or is listed twice`);
    }
    if (utf8Length(JSON.stringify(v['data'])) > MAX_VALUE_BYTES) throw new KvSnapshotError(`${where}: value too large`);
    const deletionTime = v['deletionTime'] === null ? null : time(v['deletionTime'], `${where} deletionTime`);
    versions.set(version, {
      data: deepFreeze(v['data']),
      createdTime: time(v['createdTime'], `${where} createdTime`),
      deletionTime,
    });
  }
  if (!versions.has(currentVersion)) {
    throw new KvSnapshotError(`${where}: current version ${currentVersion} is missing from its versions`);
  }
  return [
    key,
    {
      createdTime: time(item['createdTime'], `${where} createdTime`),
      updatedTime: time(item['updatedTime'], `${where} updatedTime`),
      currentVersion,
      versions,
    },
  ];
}

function time(value: unknown, what: string): number {
  if (!isTime(value)) throw new KvSnapshotError(`KV snapshot: ${what} must be a time from 0 to ${MAX_TIME_MS} (ms since the epoch)`);
  return value;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new KvSnapshotError(`KV snapshot: ${what} must be a non-negative integer`);
  }
  return value;
}

function array(value: unknown, what: string, limit: number): unknown[] {
  if (!Array.isArray(value)) throw new KvSnapshotError(`KV snapshot: ${what} must be an array`);
  if (value.length > limit) throw new KvSnapshotError(`KV snapshot: ${what} has ${value.length} items; the limit is ${limit}`);
  return value;
}

/** Stored values are shared with readers, so freeze them rather than copy on every get. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
