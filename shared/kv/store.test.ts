import { describe, expect, it } from 'vitest';
import { encodeCommand, type KvCommand } from './commands.ts';
import { MAX_VERSIONS_PER_KEY } from './limits.ts';
import { KvApplyOrderError, KvStore } from './store.ts';
import { KvSnapshotError, encodeSnapshot, snapshotPieces } from './snapshot.ts';
import { vaultMetadata, vaultReadData } from './vault.ts';

/** Applies commands at consecutive indexes and returns the results. */
function run(store: KvStore, ...commands: KvCommand[]) {
  return commands.map((c) => store.apply(store.appliedIndex + 1, encodeCommand(c)));
}
const put = (key: string, data: Record<string, unknown>, extra: Partial<KvCommand> = {}, time = 100): KvCommand =>
  ({ op: 'put', key, data, time, ...extra }) as KvCommand;
const del = (key: string, extra: Partial<KvCommand> = {}, time = 200): KvCommand => ({ op: 'delete', key, time, ...extra }) as KvCommand;

describe('KvStore: versions as Vault KV v2', () => {
  it('makes a new version on every put and keeps the old ones readable', () => {
    const store = new KvStore();
    expect(run(store, put('a', { v: 1 }, {}, 10), put('a', { v: 2 }, {}, 20))).toEqual([
      { ok: true, op: 'put', key: 'a', version: 1 },
      { ok: true, op: 'put', key: 'a', version: 2 },
    ]);
    expect(store.get('a')).toEqual({ data: { v: 2 }, version: 2, createdTime: 20, updatedTime: 20, deletionTime: null, deleted: false });
    expect(store.get('a', 1)?.data).toEqual({ v: 1 });
    expect(store.get('a', 3)).toBeUndefined();
    expect(store.get('missing')).toBeUndefined();
    expect(store.appliedIndex).toBe(2);
    expect(store.size).toBe(1);
  });

  it('cas 0 creates only; cas N writes only over version N', () => {
    const store = new KvStore();
    const [first, again] = run(store, put('k', { a: 1 }, { cas: 0 }), put('k', { a: 2 }, { cas: 0 }));
    expect(first).toMatchObject({ ok: true, version: 1 });
    expect(again).toEqual({ ok: false, code: 'cas-mismatch', key: 'k', expected: 0, current: 1 });
    expect(run(store, put('k', { a: 3 }, { cas: 2 }))[0]).toEqual({ ok: false, code: 'cas-mismatch', key: 'k', expected: 2, current: 1 });
    expect(run(store, put('k', { a: 3 }, { cas: 1 }))[0]).toMatchObject({ ok: true, version: 2 });
    expect(run(store, put('new', { a: 1 }, { cas: 5 }))[0]).toMatchObject({ ok: false, expected: 5, current: 0 });
  });

  it('soft-deletes the latest version; cas 0 may then recreate the key', () => {
    const store = new KvStore();
    run(store, put('k', { a: 1 }, {}, 10));
    expect(run(store, del('k', {}, 30))[0]).toEqual({ ok: true, op: 'delete', key: 'k', version: 1 });
    expect(store.get('k')).toMatchObject({ data: null, deleted: true, deletionTime: 30, version: 1 });
    expect(store.list('')).toEqual(['k']); // Vault still lists soft-deleted keys
    expect(run(store, del('k', {}, 40))[0]).toMatchObject({ ok: true, version: 1 });
    expect(store.get('k')?.deletionTime).toBe(30); // deleting twice keeps the first deletion time
    expect(run(store, put('k', { a: 2 }, { cas: 0 }, 50))[0]).toMatchObject({ ok: true, version: 2 });
    expect(run(store, del('never'))[0]).toEqual({ ok: true, op: 'delete', key: 'never', version: 0 });
  });

  it('reports metadata with a versions map and keeps only the newest versions', () => {
    const store = new KvStore();
    for (let i = 1; i <= MAX_VERSIONS_PER_KEY + 2; i++) run(store, put('k', { i }, {}, i * 10));
    run(store, del('k', {}, 999));
    const meta = store.metadata('k');
    expect(meta).toMatchObject({ currentVersion: 12, oldestVersion: 3, createdTime: 10, updatedTime: 999, maxVersions: 10 });
    expect(Object.keys(meta?.versions ?? {})).toHaveLength(MAX_VERSIONS_PER_KEY);
    expect(meta?.versions['12']).toEqual({ createdTime: 120, deletionTime: 999, destroyed: false });
    expect(store.get('k', 2)).toBeUndefined();
    const wire = vaultMetadata(meta!);
    expect(wire).toMatchObject({ current_version: 12, oldest_version: 3, created_time: '1970-01-01T00:00:00.010Z' });
    expect(vaultReadData(store.get('k', 11)!)).toMatchObject({ data: { i: 11 }, metadata: { version: 11, deletion_time: '' } });
  });

  it('lists the children of a folder as Vault does', () => {
    const store = new KvStore();
    run(store, put('app/db', {}), put('app/web/tls', {}), put('app/web/key', {}), put('top', {}), put('apple', {}));
    expect(store.list('')).toEqual(['app/', 'apple', 'top']);
    expect(store.list('app')).toEqual(['db', 'web/']);
    expect(store.list('app/web/')).toEqual(['key', 'tls']);
    expect(store.list('nothing/')).toEqual([]);
    expect(store.keys()).toEqual(['app/db', 'app/web/key', 'app/web/tls', 'apple', 'top']);
  });

  it('hands out frozen values so a reader cannot change the replicated state', () => {
    const store = new KvStore();
    run(store, put('k', { nested: { a: 1 } }));
    const data = store.get('k')?.data as { nested: { a: number } };
    expect(() => {
      data.nested.a = 2;
    }).toThrow(TypeError);
  });
});

describe('KvStore: client sessions', () => {
  it('applies a retried (client, seq) once and returns the first result', () => {
    const store = new KvStore();
    const first = run(store, put('k', { a: 1 }, { client: 'c1', seq: 1 }))[0];
    const retry = run(store, put('k', { a: 1 }, { client: 'c1', seq: 1 }))[0];
    expect(first).toEqual({ ok: true, op: 'put', key: 'k', version: 1 });
    expect(retry).toEqual({ ...first, duplicate: true });
    expect(store.get('k')?.version).toBe(1);
    // A refused cas is remembered too: the retry must not succeed later.
    const refused = run(store, put('k', {}, { cas: 0, client: 'c1', seq: 2 }))[0];
    run(store, del('k'), put('k', {}, { cas: 0, client: 'c1', seq: 2 }));
    expect(store.get('k')?.deleted).toBe(true);
    expect(refused).toMatchObject({ ok: false, code: 'cas-mismatch' });
  });

  it('refuses a seq older than the last one rather than guessing its answer', () => {
    const store = new KvStore();
    run(store, put('k', {}, { client: 'c', seq: 5 }));
    expect(run(store, put('k', {}, { client: 'c', seq: 4 }))[0]).toEqual({ ok: false, code: 'stale-session', client: 'c', seq: 4, lastSeq: 5 });
    expect(store.get('k')?.version).toBe(1);
  });

  it('forgets the least recently used client beyond the bound', () => {
    const store = new KvStore();
    for (let i = 0; i < 10_001; i++) run(store, put('k', {}, { client: `c${i}`, seq: 1 }, i));
    expect(store.sessionCount).toBe(10_000);
    // c0 was evicted, so its retry applies again (documented cost of bounding the table).
    expect(run(store, put('k', {}, { client: 'c0', seq: 1 }))[0]).toMatchObject({ ok: true, version: 10_002 });
    expect(run(store, put('k', {}, { client: 'c2', seq: 1 }))[0]).toMatchObject({ duplicate: true });
  });
});

describe('KvStore: apply order and bad entries', () => {
  it('returns invalid-command for malformed entry text instead of throwing', () => {
    const store = new KvStore();
    expect(store.apply(1, '{"op":"nope"}')).toMatchObject({ ok: false, code: 'invalid-command' });
    expect(store.appliedIndex).toBe(1);
  });

  it('throws when the host applies an index twice or goes backwards', () => {
    const store = new KvStore();
    store.apply(3, encodeCommand(put('k', {})));
    store.skip(4); // a noop entry
    expect(() => store.apply(4, encodeCommand(put('k', {})))).toThrow(KvApplyOrderError);
    expect(() => store.skip(2)).toThrow(/applied once, in log order/);
  });
});

describe('KvStore: snapshots', () => {
  it('restores the same state, sessions and eviction order', () => {
    const store = new KvStore();
    run(store, put('a/x', { n: 1 }, { client: 'c1', seq: 1 }), put('a/x', { n: 2 }), del('a/x'), put('b', { s: 'é' }, { client: 'c2', seq: 3 }));
    const text = store.snapshot();
    const copy = KvStore.restore(text);
    expect(copy.snapshot()).toBe(text);
    expect(copy.appliedIndex).toBe(4);
    expect(copy.get('a/x', 2)).toEqual(store.get('a/x', 2));
    expect(copy.apply(5, encodeCommand(put('b', {}, { client: 'c2', seq: 3 })))).toMatchObject({ duplicate: true, version: 1 });
  });

  it('a capture keeps the state it was taken at while the store goes on (puts, deletes, sessions)', () => {
    const store = new KvStore();
    run(store, put('a', { v: 1 }, { client: 'c1', seq: 1 }), put('b', { v: 1 }));
    const before = store.snapshot();
    const captured = store.capture();
    run(store, put('a', { v: 2 }, { client: 'c1', seq: 2 }), del('b'), put('c', { v: 1 }), put('a', { v: 3 }));
    expect(encodeSnapshot(captured)).toBe(before);
    expect(store.snapshot()).not.toBe(before);
    expect(store.get('b')).toMatchObject({ deleted: true });
    expect(KvStore.restore(before).get('b')).toMatchObject({ deleted: false, data: { v: 1 } });
  });

  it('snapshotPieces concatenate to the snapshot text, one piece per key between a head and a tail', () => {
    const store = new KvStore();
    run(store, put('x', { s: 'é"\\\n' }, { client: 'c1', seq: 1 }), put('y', { n: 1 }), put('x', { s: '😀' }));
    const pieces = [...snapshotPieces(store.capture())];
    expect(pieces).toHaveLength(2 + store.size);
    expect(pieces.join('')).toBe(store.snapshot());
    expect(KvStore.restore(pieces.join('')).get('x')?.data).toEqual({ s: '😀' });
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['a wrong format', '{"format":"x"}', /format must be/],
    ['a missing current version', JSON.stringify({ format: 'raftlab-kv/1', appliedIndex: 1, keys: [{ key: 'k', createdTime: 1, updatedTime: 1, currentVersion: 2, versions: [] }], sessions: [] }), /current version 2 is missing/],
    ['a bad key', JSON.stringify({ format: 'raftlab-kv/1', appliedIndex: 1, keys: [{ key: '/k' }], sessions: [] }), /empty path segment/],
    ['a bad session', JSON.stringify({ format: 'raftlab-kv/1', appliedIndex: 1, keys: [], sessions: [{ client: 'c', lastSeq: 1, lastResult: { ok: 'yes' } }] }), /session "c"/],
  ])('rejects a snapshot with %s', (_name, text, message) => {
    expect(() => KvStore.restore(text)).toThrow(KvSnapshotError);
    expect(() => KvStore.restore(text)).toThrow(message);
  });
});
