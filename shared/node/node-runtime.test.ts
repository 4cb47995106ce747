// The node runtime with the simulator's disk, three of them wired by hand: what the runtime promises
// a client, checked turn by turn without a worker or a bus in between.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../kv/commands.ts';
import { threeNodes } from './testing/three-nodes.ts';

describe('NodeRuntime (shared, on the memory disk)', () => {
  it('answers a lease read only once the state machine has caught up with the commit index the lease vouches for', () => {
    const cluster = threeNodes();
    const n1 = cluster.node('n1');
    n1.client({ kind: 'campaign', requestId: 1 });
    n1.flush();
    cluster.settle();
    // A lease needs recent acks: a heartbeat round.
    for (let i = 0; i < 3; i++) {
      n1.tick(2);
      n1.flush();
      cluster.settle();
    }
    n1.client({ kind: 'propose', requestId: 2, command: encodeCommand({ op: 'put', key: 'k', data: { value: 'new' }, time: 1 }) });
    n1.flush();
    // The followers append and ack; the leader steps the acks (its commit moves) but has not run
    // its host loop yet when the read arrives in the same turn.
    cluster.deliverAll({ hold: 'n1' });
    cluster.deliverAll({ hold: 'n1' });
    n1.client({ kind: 'read', requestId: 3, key: 'k', consistency: 'lease' });
    expect(cluster.outcomes.has(2)).toBe(false);
    n1.flush();
    const write = cluster.outcomes.get(2);
    const read = cluster.outcomes.get(3);
    expect(write?.ok).toBe(true);
    expect(read?.ok).toBe(true);
    // The write was answered in the same flush: the read must see it.
    expect(read?.ok && 'value' in read.value && read.value.value).toBe('new');
  });
});
