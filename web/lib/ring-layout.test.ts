import { describe, expect, it } from 'vitest';
import { flightProgress, messagePoint, ringLayout } from './ring-layout.ts';

describe('ring layout', () => {
  it('puts the first node at the top and spaces nodes evenly on the circle', () => {
    const ring = ringLayout(['n1', 'n2', 'n3', 'n4'], 400);
    const top = ring.positions.get('n1')!;
    expect(top.x).toBeCloseTo(200);
    expect(top.y).toBeLessThan(200);
    const right = ring.positions.get('n2')!;
    expect(right.x).toBeGreaterThan(200);
    expect(right.y).toBeCloseTo(200);
    for (const point of ring.positions.values()) {
      expect(Math.hypot(point.x - 200, point.y - 200)).toBeCloseTo(ring.radius);
    }
  });

  it('moves a message from the sender edge to the receiver edge', () => {
    const from = { x: 0, y: 0 };
    const to = { x: 100, y: 0 };
    expect(messagePoint(from, to, 0, 10, 0)).toEqual({ x: 10, y: 0 });
    expect(messagePoint(from, to, 1, 10, 0)).toEqual({ x: 90, y: 0 });
    expect(messagePoint(from, to, 0.5, 10, 4).y).toBeCloseTo(4);
  });

  it('clamps flight progress and treats instant delivery as arrived', () => {
    expect(flightProgress(100, 200, 150)).toBeCloseTo(0.5);
    expect(flightProgress(100, 200, 50)).toBe(0);
    expect(flightProgress(100, 200, 250)).toBe(1);
    expect(flightProgress(100, 100, 100)).toBe(1);
  });
});
