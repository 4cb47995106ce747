import { describe, expect, it } from 'vitest';
import { encodeCommand } from './commands.ts';
import { KvStore } from './store.ts';

const put = (key: string, value: string, time = 1) => encodeCommand({ op: 'put', key, data: { value }, time });

describe('restore (disaster recovery through the log)', () => {
  it('replaces every key with the image, keeping the applied index of the restore entry', () => {
    const source = new KvStore();
    source.apply(1, put('a', '1'));
    source.apply(2, put('a', '2'));
    source.apply(3, put('b', 'x'));
    const image = source.snapshot();

    const target = new KvStore();
    target.apply(1, put('c', 'gone'));
    const result = target.apply(2, encodeCommand({ op: 'restore', image, time: 5 }));
    expect(result).toEqual({ ok: true, op: 'restore', key: '', version: 2 });
    expect(target.appliedIndex).toBe(2);
    expect(target.get('c')).toBeUndefined();
    expect(target.get('a')).toMatchObject({ data: { value: '2' }, version: 2 });
    expect(target.get('b')?.data).toEqual({ value: 'x' });
    // Writes continue on top of the restored versions.
    expect(target.apply(3, put('a', '3'))).toMatchObject({ ok: true, version: 3 });
  });

  it('refuses a damaged image without touching the store', () => {
    const store = new KvStore();
    store.apply(1, put('keep', 'me'));
    const result = store.apply(2, encodeCommand({ op: 'restore', image: '{"format":"nope"}', time: 5 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('invalid-image');
    expect(store.get('keep')?.data).toEqual({ value: 'me' });
    expect(store.appliedIndex).toBe(2);
  });

  it('validates restore commands at encode and decode time', () => {
    expect(() => encodeCommand({ op: 'restore', image: 42 as unknown as string, time: 1 })).toThrow(/image/);
    expect(() => encodeCommand({ op: 'restore', image: 'x', time: -1 })).toThrow(/time/);
  });
});
