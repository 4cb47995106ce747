import { describe, expect, it } from 'vitest';
import { popoverTransform } from './popover-place.ts';

describe('a ring menu', () => {
  it('opens away from the nearer edge, and centred in the middle third', () => {
    expect(popoverTransform(0.1)).toBe('translate(-24px, 12px)');
    expect(popoverTransform(0.5)).toBe('translate(-50%, 12px)');
    expect(popoverTransform(0.9)).toBe('translate(calc(-100% + 24px), 12px)');
  });
});
