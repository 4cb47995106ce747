import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';

const bytes = (xs: Iterable<number>) => Uint8Array.from(xs);

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(bytes(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(bytes(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  it('gives 0 for no bytes and other known values', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(Buffer.from('a'))).toBe(0xc1d04330);
    expect(crc32c(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x22620404);
  });

  it('can be computed incrementally and over a sub-range', () => {
    const all = Buffer.from('hello, write-ahead log');
    const whole = crc32c(all);
    expect(crc32c(all.subarray(7), crc32c(all.subarray(0, 7)))).toBe(whole);
    expect(crc32c(all, 0, 7, all.length)).toBe(crc32c(all.subarray(7)));
  });

  it('takes eight bytes at a time and agrees with the byte-at-a-time definition at every length and offset', () => {
    const table = Array.from({ length: 256 }, (_, i) => {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      return c >>> 0;
    });
    const reference = (data: Uint8Array): number => {
      let crc = 0xffffffff;
      for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
      return ~crc >>> 0;
    };
    let seed = 7;
    const data = Uint8Array.from({ length: 300 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= data.length; end += 13) expect(crc32c(data, 0, start, end)).toBe(reference(data.subarray(start, end)));
    }
  });
});
