import { describe, expect, it } from 'vitest';
import { SessionPool } from './session-pool.ts';

describe('SessionPool', () => {
  it('gives concurrent writes different sessions and reuses released ones with a higher sequence', () => {
    const pool = new SessionPool('lab');
    const a = pool.acquire();
    const b = pool.acquire();
    expect(a.client).not.toBe(b.client);
    expect([a.seq, b.seq]).toEqual([1, 1]);
    pool.release(a);
    const c = pool.acquire();
    expect(c).toEqual({ client: a.client, seq: 2 });
    expect(pool.size).toBe(2);
  });
});
