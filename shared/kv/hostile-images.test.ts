// A restored image obeys exactly the rules a write obeys: keys, versions and times in safe ranges,
// sizes. Each image below was accepted once and then either made two writes share a version, or
// held keys no API could read or delete, or bricked a node at its next restart (its snapshot no
// longer decoded). Now each is refused whole, and whatever is accepted survives a snapshot and
// restart: its encoding decodes again after any writes.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from './commands.ts';
import { MAX_KEY_VERSION, MAX_TIME_MS, MAX_VERSIONS_PER_KEY } from './limits.ts';
import { decodeSnapshot, KvSnapshotError, SNAPSHOT_FORMAT } from './snapshot.ts';
import { KvStore } from './store.ts';

interface KeyItem {
  key: string;
  createdTime: number;
  updatedTime: number;
  currentVersion: number;
  versions: Array<{ version: number; data: Record<string, unknown>; createdTime: number; deletionTime: number | null }>;
}

const item = (over: Partial<KeyItem> = {}): KeyItem => ({
  key: 'k',
  createdTime: 1,
  updatedTime: 1,
  currentVersion: 1,
  versions: [{ version: 1, data: { value: 'v' }, createdTime: 1, deletionTime: null }],
  ...over,
});
const image = (...keys: KeyItem[]): string => JSON.stringify({ format: SNAPSHOT_FORMAT, appliedIndex: 3, keys, sessions: [] });
const put = (key: string, time = 10): string => encodeCommand({ op: 'put', key, data: { value: 'w' }, time });
const restore = (text: string): string => encodeCommand({ op: 'restore', image: text, time: 5 });

const HOSTILE: Record<string, string> = {
  'currentVersion 2^53-1': image(item({ currentVersion: 2 ** 53 - 1, versions: [{ version: 2 ** 53 - 1, data: {}, createdTime: 1, deletionTime: null }] })),
  'currentVersion past the cap': image(item({ currentVersion: MAX_KEY_VERSION + 1, versions: [{ version: MAX_KEY_VERSION + 1, data: {}, createdTime: 1, deletionTime: null }] })),
  'key ..': image(item({ key: '..' })),
  'key .': image(item({ key: '.' })),
  'key ../../etc/passwd': image(item({ key: '../../etc/passwd' })),
  'key a/../b': image(item({ key: 'a/../b' })),
  'key with markup': image(item({ key: '<img src=x onerror=alert(1)>' })),
  'key with a bidi override': image(item({ key: 'abc\u202egpj.exe' })),
  'key with a trailing slash': image(item({ key: 'folder/' })),
  'createdTime 2^53-1': image(item({ createdTime: 2 ** 53 - 1 })),
  'a version createdTime past year 9999': image(item({ versions: [{ version: 1, data: {}, createdTime: MAX_TIME_MS + 1, deletionTime: null }] })),
  'deletionTime 2^53-1': image(item({ versions: [{ version: 1, data: {}, createdTime: 1, deletionTime: 2 ** 53 - 1 }] })),
  'updatedTime negative': image(item({ updatedTime: -1 })),
  // Version 1 would never be dropped (a write drops current − 10), so the key would outgrow the
  // MAX_VERSIONS_PER_KEY an image may list, and the next snapshot would not decode.
  'a version older than the newest ten': image(item({ currentVersion: 100, versions: [{ version: 1, data: {}, createdTime: 1, deletionTime: null }, { version: 100, data: {}, createdTime: 1, deletionTime: null }] })),
};

describe('restore applies exactly the rules a write applies', () => {
  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`refuses an image with ${name}, leaving the store as it was`, () => {
      expect(() => decodeSnapshot(text)).toThrow(KvSnapshotError);
      const store = new KvStore();
      store.apply(1, put('keep'));
      const result = store.apply(2, restore(text));
      expect(result).toMatchObject({ ok: false, code: 'invalid-image' });
      expect(store.keys()).toEqual(['keep']);
    });
  }

  it('takes the largest values a write could reach, and the key then refuses one more version', () => {
    const top = item({
      currentVersion: MAX_KEY_VERSION,
      createdTime: MAX_TIME_MS,
      updatedTime: MAX_TIME_MS,
      versions: Array.from({ length: MAX_VERSIONS_PER_KEY }, (_, i) => ({ version: MAX_KEY_VERSION - i, data: { value: `v${i}` }, createdTime: MAX_TIME_MS, deletionTime: null })),
    });
    const store = new KvStore();
    expect(store.apply(1, restore(image(top)))).toMatchObject({ ok: true, op: 'restore' });
    // Two writes can no longer get the same unsafe version: the first past the cap is refused.
    expect(store.apply(2, put('k'))).toEqual({ ok: false, code: 'version-limit', key: 'k', limit: MAX_KEY_VERSION });
    expect(store.apply(3, put('k'))).toEqual({ ok: false, code: 'version-limit', key: 'k', limit: MAX_KEY_VERSION });
    expect(new Date(store.get('k')!.createdTime).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    // What the node snapshots after this decodes again at its restart.
    expect(KvStore.restore(store.snapshot()).get('k')?.version).toBe(MAX_KEY_VERSION);
  });

  it('a restored store keeps decoding after many writes to every restored key (snapshot, restart)', () => {
    const keys = [
      item({ key: 'a', currentVersion: 7, versions: [7, 6, 5].map((version) => ({ version, data: { value: String(version) }, createdTime: 2, deletionTime: null })) }),
      item({ key: 'b/c', currentVersion: MAX_KEY_VERSION - 3, versions: [{ version: MAX_KEY_VERSION - 3, data: {}, createdTime: 2, deletionTime: 3 }] }),
    ];
    const store = new KvStore();
    store.apply(1, restore(image(...keys)));
    let index = 2;
    for (let round = 0; round < 25; round++) {
      for (const key of ['a', 'b/c']) store.apply(index++, put(key, 100 + round));
      const reborn = KvStore.restore(store.snapshot());
      expect(reborn.keys()).toEqual(store.keys());
    }
    expect(store.get('b/c')?.version).toBe(MAX_KEY_VERSION);
    expect(store.metadata('a')!.oldestVersion).toBe(store.get('a')!.version - MAX_VERSIONS_PER_KEY + 1);
  });

  it('writes refuse the same keys and times a restore refuses', () => {
    for (const key of ['..', 'a/../b', 'folder/', '<b>', 'abc\u202e']) expect(() => put(key)).toThrow(/key/);
    expect(() => encodeCommand({ op: 'put', key: 'k', data: {}, time: MAX_TIME_MS + 1 })).toThrow(/time/);
  });
});
