import { describe, expect, it } from 'vitest';
import { inFlightEmpty, inFlightNote } from './in-flight-note.ts';

describe('in-flight list notes', () => {
  it('tells hidden heartbeats apart from messages past the end of the list', () => {
    expect(inFlightNote(0, 0, 0)).toBeNull();
    expect(inFlightNote(4, 4, 4)).toBeNull();
    expect(inFlightNote(4, 0, 0)).toBe('4 heartbeats hidden');
    expect(inFlightNote(1, 0, 0)).toBe('1 heartbeat hidden');
    expect(inFlightNote(50, 45, 40)).toBe('and 5 more · 5 heartbeats hidden');
    expect(inFlightNote(45, 45, 40)).toBe('and 5 more');
  });

  it('says why the list is empty', () => {
    expect(inFlightEmpty(0)).toBe('No messages in flight.');
    expect(inFlightEmpty(3)).toBe('Only heartbeats in flight.');
  });
});
