import { describe, expect, it } from 'vitest';
import { PROFILES, compactionFor } from './profiles.ts';

describe('compactionFor', () => {
  it('staggers snapshot thresholds so nodes do not all stop to compact at the same index', () => {
    const thresholds = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'].map((id) => compactionFor(id, 10_000, PROFILES.production).snapshotThreshold);
    expect(new Set(thresholds).size).toBe(7);
    for (const threshold of thresholds) expect(threshold).toBeGreaterThanOrEqual(10_000), expect(threshold).toBeLessThan(13_000);
    // Any two of three nodes are at least 5 % of a threshold apart.
    const [a, b, c] = thresholds as [number, number, number];
    for (const [x, y] of [[a, b], [a, c], [b, c]] as const) expect(Math.abs(x - y)).toBeGreaterThanOrEqual(500);
  });

  it("keeps etcd's 5,000 trailing entries in production, 50 for teaching, never more than half the threshold", () => {
    expect(compactionFor('n1', 10_000, PROFILES.production).snapshotTrailing).toBe(5000);
    expect(compactionFor('n1', 1000, PROFILES.teaching).snapshotTrailing).toBe(50);
    expect(compactionFor('n2', 20, PROFILES.production).snapshotTrailing).toBe(10);
  });
});
