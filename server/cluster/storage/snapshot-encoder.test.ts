import { describe, expect, it } from 'vitest';
import { KvStore } from '../../../shared/kv/store.ts';
import { encodeCommand } from '../../../shared/kv/commands.ts';
import { crc32cOfText } from './crc32c.ts';
import { SnapshotEncoder } from './snapshot-encoder.ts';

function storeWith(keys: number): KvStore {
  const kv = new KvStore();
  for (let i = 1; i <= keys; i++) kv.apply(i, encodeCommand({ op: 'put', key: `k/${i}`, data: { value: `v"${i}\\é😀`.repeat(20) }, time: i }));
  return kv;
}

describe('SnapshotEncoder', () => {
  it('encodes in slices to exactly the store snapshot, with the file payload prepared (UTF-8, checksummed)', () => {
    const kv = storeWith(3000);
    const expected = kv.snapshot();
    const encoder = new SnapshotEncoder(kv.capture());
    // A clock that moves 1 ms per reading: every slice ends after its first check.
    let clock = 0;
    let slices = 0;
    let result = null;
    while (result === null) {
      result = encoder.step(clock + 1, () => clock++);
      slices++;
    }
    expect(slices).toBeGreaterThan(10);
    expect(result.index).toBe(3000);
    expect(result.text).toBe(expected);
    expect(result.prepared.crc32c).toBe(crc32cOfText(expected));
    expect(Buffer.concat(result.prepared.chunks).toString('utf8')).toBe(expected);
    expect(encoder.done).toBe(result);
  });

  it('encodes the store as captured, not as it is when the slices run', () => {
    const kv = storeWith(500);
    const expected = kv.snapshot();
    const encoder = new SnapshotEncoder(kv.capture());
    let clock = 0;
    let index = kv.appliedIndex;
    while (encoder.step(clock + 1, () => clock++) === null) {
      kv.apply(++index, encodeCommand({ op: 'put', key: `k/${index % 600}`, data: { value: 'later' }, time: index }));
      kv.apply(++index, encodeCommand({ op: 'delete', key: `k/${index % 400}`, time: index }));
    }
    expect(index - 500).toBeGreaterThanOrEqual(10); // writes landed between slices
    expect(encoder.done?.text).toBe(expected);
  });
});
