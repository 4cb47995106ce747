import { describe, expect, it } from 'vitest';
import { NodeDoors } from './node-doors.ts';

describe('a paused node\'s door', () => {
  it('keeps messages per receiver in arrival order, gives one up by id, and empties on release', () => {
    const doors = new NodeDoors<{ id: number; to: string }>();
    for (const [id, to] of [[1, 'n2'], [2, 'n3'], [3, 'n2'], [4, 'n2']] as const) doors.park({ id, to });
    expect(doors.find(3)).toEqual({ id: 3, to: 'n2' });
    expect(doors.take(3)).toEqual({ id: 3, to: 'n2' });
    expect(doors.take(3)).toBeUndefined();
    expect(doors.find(9)).toBeUndefined();
    expect(doors.all().map((m) => m.id)).toEqual([1, 4, 2]);
    expect(doors.empty('n2').map((m) => m.id)).toEqual([1, 4]);
    expect(doors.empty('n2')).toEqual([]);
    expect(doors.take(2)).toEqual({ id: 2, to: 'n3' });
    expect(doors.all()).toEqual([]);
  });
});
