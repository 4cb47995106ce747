// The node runtime with the simulator's disk, three of them wired by hand: what the runtime promises
// a client, checked turn by turn without a worker or a bus in between.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../kv/commands.ts';
import { threeNodes } from './testing/three-nodes.ts';
import { MemoryDisk, pieceEncoder } from './memory-disk.ts';
import { NodeRuntime } from './node-runtime.ts';
import type { ClientOutcome, NodeReport } from './protocol.ts';

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

  it('a write forwarded by a follower crosses the bus as a Forward, commits on the leader, and its answer comes back as a ForwardResponse', () => {
    const cluster = threeNodes();
    const n1 = cluster.node('n1');
    n1.client({ kind: 'campaign', requestId: 1 });
    n1.flush();
    cluster.settle();
    const n2 = cluster.node('n2');
    const answers: ClientOutcome[] = [];
    n2.forward('n1', { kind: 'propose', command: encodeCommand({ op: 'put', key: 'k', data: { value: 'v' }, client: 'c', seq: 1, time: 1 }) }, (outcome) => answers.push(outcome));
    n2.flush();
    const sent = cluster.outboxes.get('n2')!;
    expect(sent.map((m) => m.type)).toEqual(['Forward']);
    // Duplicated on the way (the bus may): the session makes it one write, and one answer.
    sent.push(sent[0]!);
    const kinds: string[] = [];
    for (let i = 0; i < 20; i++) {
      for (const outbox of cluster.outboxes.values()) kinds.push(...outbox.map((m) => m.type));
      if (cluster.deliverAll() === 0) break;
    }
    expect(kinds).toContain('ForwardResponse');
    expect(answers).toHaveLength(1);
    const answer = answers[0]!;
    expect(answer.ok).toBe(true);
    const index = answer.ok ? (answer.value as { index: number }).index : 0;
    expect(index).toBeGreaterThan(0);
    // Never reported to the host: the asker was inside the node.
    expect([...cluster.outcomes.keys()].every((id) => id > 0)).toBe(true);
    // The follower applies it too (read your writes waits for this).
    cluster.settle();
    expect(n2.appliedIndex).toBeGreaterThanOrEqual(index);
    const read: ClientOutcome[] = [];
    n2.ask({ kind: 'read', key: 'k', consistency: 'stale' }, (outcome) => read.push(outcome));
    n2.flush();
    expect(read[0]?.ok && 'value' in read[0].value && read[0].value.value).toBe('v');
  });

  it('a Forward that never arrives gets no answer (the asker times out), and a late response after giving up is ignored', () => {
    const cluster = threeNodes();
    cluster.node('n1').client({ kind: 'campaign', requestId: 1 });
    cluster.node('n1').flush();
    cluster.settle();
    const n3 = cluster.node('n3');
    const answers: ClientOutcome[] = [];
    const giveUp = n3.forward('n1', { kind: 'read', key: 'k', consistency: 'linearizable' }, (outcome) => answers.push(outcome));
    n3.flush();
    const forward = cluster.outboxes.get('n3')!.splice(0);
    expect(forward.map((m) => m.type)).toEqual(['Forward']);
    // Dropped: nothing answers.
    cluster.settle();
    expect(answers).toHaveLength(0);
    // Delivered after the asker gave up: the leader answers, the answer finds nobody waiting.
    giveUp();
    cluster.node('n1').deliver(forward[0]!);
    cluster.node('n1').flush();
    cluster.settle();
    expect(answers).toHaveLength(0);
  });
});
