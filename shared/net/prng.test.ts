import { describe, expect, it } from 'vitest';
import { createPrng, deriveSeed, randomInt } from './prng.ts';

describe('createPrng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createPrng(123);
    const b = createPrng(123);
    const c = createPrng(124);
    const xs = Array.from({ length: 10 }, () => a());
    expect(Array.from({ length: 10 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c())).not.toEqual(xs);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const rng = createPrng(5);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng();
      if (x < 0 || x >= 1) outside++;
      else buckets[Math.floor(x * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(count).toBeGreaterThan(9_000);
  });

  it('draws inclusive integer ranges and derives independent stream seeds', () => {
    const rng = createPrng(1);
    const seen = new Set(Array.from({ length: 1000 }, () => randomInt(rng, 1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(deriveSeed(1, 'net')).not.toBe(deriveSeed(1, 'load'));
    expect(deriveSeed(1, 'net')).toBe(deriveSeed(1, 'net'));
  });
});
