// The node runtime with the simulator's disk, three of them wired by hand: what the runtime promises
// a client, checked turn by turn without a worker or a bus in between.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../kv/commands.ts';
import { threeNodes } from './testing/three-nodes.ts';
import { MemoryDisk, pieceEncoder } from './memory-disk.ts';
import { NodeRuntime } from './node-runtime.ts';
import type { NodeReport } from './protocol.ts';

/** A bootstrap node alone in its configuration, on `disk`; the roles it reported, in order. */
function soleVoter(disk: MemoryDisk, campaignAtBootstrap: boolean): { runtime: NodeRuntime; roles: string[] } {
  const roles: string[] = [];
  const take = (report: NodeReport): void => {
    if (report.type === 'recovered') roles.push(report.status.role);
    if (report.type === 'ready' && report.status) roles.push(report.status.role);
  };
  const runtime = new NodeRuntime(
    { id: 'n1', timing: { electionTicks: 10, heartbeatTicks: 2 }, initialConfig: { voters: ['n1'], learners: [], votersOutgoing: [] }, campaignAtBootstrap, seed: 1, switches: {}, snapshotThreshold: 1000, snapshotTrailing: 10 },
    { disk, encoder: pieceEncoder, report: take, now: () => 0, hooks: { background: () => {}, wake: () => {}, fatal: (error) => { throw error; } } },
  );
  return { runtime, roles };
}

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

  it('a sole bootstrap voter on an empty disk campaigns at once when asked to, and not otherwise', () => {
    // No tick at all: with the option it leads straight away; without, it waits for its timeout.
    expect(soleVoter(new MemoryDisk(), true).roles.at(-1)).toBe('leader');
    expect(soleVoter(new MemoryDisk(), false).roles.at(-1)).toBe('follower');
  });

  it('a restarted bootstrap node (its disk not empty) waits for its election timeout as any node does', () => {
    const disk = new MemoryDisk();
    soleVoter(disk, true).runtime.flush();
    const again = soleVoter(disk, true);
    expect(again.roles.at(-1)).toBe('follower');
  });
});
