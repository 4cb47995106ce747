import { describe, expect, it } from 'vitest';
import { runClientCommand, runMessageCommand } from './shared-commands.ts';

describe('commands the lab and the simulator share', () => {
  it('turn put, cas, delete and get into gateway calls, checking a named node', () => {
    const calls: unknown[] = [];
    // Each call is recorded; what it answers does not matter here, only what was asked.
    const record = (...call: unknown[]): never => (calls.push(call), undefined as never);
    const gateway = { write: (request: unknown) => record('write', request), read: (...args: unknown[]) => record('read', ...args), readMetadata: (...args: unknown[]) => record('metadata', ...args), list: (...args: unknown[]) => record('list', ...args) };
    const known = (node: string): string => {
      if (node !== 'n2') throw new Error(`${node} is not in this cluster`);
      return node;
    };
    runClientCommand({ type: 'put', key: 'a', value: '1' }, gateway, known);
    runClientCommand({ type: 'put', key: 'a', value: '2', cas: 1, node: 'n2' }, gateway, known);
    runClientCommand({ type: 'delete', key: 'a' }, gateway, known);
    runClientCommand({ type: 'get', key: 'a' }, gateway, known);
    runClientCommand({ type: 'get', key: 'a', consistency: 'stale', node: 'n2' }, gateway, known);
    runClientCommand({ type: 'get', key: 'a', version: 3 }, gateway, known);
    runClientCommand({ type: 'put', key: 'v', data: { user: 'x' } }, gateway, known);
    runClientCommand({ type: 'get-metadata', key: 'a', consistency: 'stale', node: 'n2' }, gateway, known);
    runClientCommand({ type: 'list-keys', prefix: '' }, gateway, known);
    expect(calls).toEqual([
      ['write', { op: 'put', key: 'a', value: '1' }],
      ['write', { op: 'cas', key: 'a', value: '2', cas: 1, node: 'n2' }],
      ['write', { op: 'delete', key: 'a' }],
      ['read', 'a', 'linearizable', undefined, undefined],
      ['read', 'a', 'stale', 'n2', undefined],
      ['read', 'a', 'linearizable', undefined, 3],
      ['write', { op: 'put', key: 'v', data: { user: 'x' } }],
      ['metadata', 'a', 'stale', 'n2'],
      ['list', '', 'linearizable', undefined],
    ]);
    expect(() => runClientCommand({ type: 'get', key: 'a', node: 'n7' }, gateway, known)).toThrow('n7 is not in this cluster');
  });

  it('inspect, drop, deliver and duplicate a message in flight, and say so when it is not', () => {
    const inFlight = new Set([4, 5]);
    const bus = {
      inspect: (id: number) => (inFlight.has(id) ? { state: 'parked' as const, message: { message: { type: 'Heartbeat' }, summary: 'n1→n2 Heartbeat', sentAt: 1, deliverAt: 2, size: 40 } } : undefined),
      dropById: (id: number) => inFlight.delete(id),
      deliverNow: (id: number) => inFlight.delete(id),
      duplicate: (id: number) => (inFlight.has(id) ? { id: 9 } : undefined),
    };
    expect(runMessageCommand({ type: 'inspect-message', id: 4 }, bus)).toEqual({ state: 'parked', message: { type: 'Heartbeat' }, summary: 'n1→n2 Heartbeat', sentAt: 1, deliverAt: 2, size: 40 });
    expect(runMessageCommand({ type: 'duplicate-message', id: 4 }, bus)).toEqual({ id: 9 });
    expect(runMessageCommand({ type: 'drop-message', id: 4 }, bus)).toBeUndefined();
    expect(runMessageCommand({ type: 'deliver-message', id: 5 }, bus)).toBeUndefined();
    expect(() => runMessageCommand({ type: 'drop-message', id: 4 }, bus)).toThrow('message #4 is not in flight');
    expect(() => runMessageCommand({ type: 'duplicate-message', id: 5 }, bus)).toThrow('message #5 is not in flight');
  });
});
