import { describe, expect, it } from 'vitest';
import { rovingStop, rovingTarget } from './roving.ts';

describe('roving tabindex', () => {
  const ids = ['n1', 'n2', 'n3'];

  it('keeps the Tab stop on the last focused item, or the first when that one is gone', () => {
    expect(rovingStop(ids, null)).toBe('n1');
    expect(rovingStop(ids, 'n3')).toBe('n3');
    expect(rovingStop(ids, 'n9')).toBe('n1');
    expect(rovingStop([], 'n1')).toBeNull();
  });

  it('moves with the arrows (wrapping), Home and End; other keys are not moves', () => {
    expect(rovingTarget(ids, 'n1', 'ArrowRight')).toBe('n2');
    expect(rovingTarget(ids, 'n3', 'ArrowDown')).toBe('n1');
    expect(rovingTarget(ids, 'n1', 'ArrowLeft')).toBe('n3');
    expect(rovingTarget(ids, 'n2', 'ArrowUp')).toBe('n1');
    expect(rovingTarget(ids, 'n2', 'Home')).toBe('n1');
    expect(rovingTarget(ids, 'n1', 'End')).toBe('n3');
    expect(rovingTarget(ids, 'n1', 'Enter')).toBeNull();
    expect(rovingTarget(ids, 'n9', 'ArrowRight')).toBeNull();
  });
});
