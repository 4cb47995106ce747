// The node runtime with the simulator's disk, three of them wired by hand: what the runtime promises
// a client, checked turn by turn without a worker or a bus in between.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../kv/commands.ts';
import type { Message } from '../raft/index.ts';
import { MemoryDisk, pieceEncoder } from './memory-disk.ts';
import { NodeRuntime } from './node-runtime.ts';
import type { ClientOutcome, NodeReport } from './protocol.ts';

const IDS = ['n1', 'n2', 'n3'];

function threeNodes() {
  const outboxes = new Map<string, Message[]>(IDS.map((id) => [id, []]));
  const outcomes = new Map<number, ClientOutcome>();
  const take = (report: NodeReport): void => {
    if (report.type !== 'ready') return;
    for (const message of report.messages) outboxes.get(message.from)!.push(message as Message);
    for (const { requestId, outcome } of report.outcomes) outcomes.set(requestId, outcome);
  };
  const nodes = new Map(
    IDS.map((id, i) => [
      id,
      new NodeRuntime(
        { id, timing: { electionTicks: 10, heartbeatTicks: 2 }, initialConfig: { voters: IDS, learners: [], votersOutgoing: [] }, seed: i + 1, switches: {}, snapshotThreshold: 1000, snapshotTrailing: 10 },
        { disk: new MemoryDisk(), encoder: pieceEncoder, report: take, now: () => 0, hooks: { background: () => {}, wake: () => {}, fatal: (error) => { throw error; } } },
      ),
    ]),
  );
  const node = (id: string) => nodes.get(id)!;
  /** Hands every sent message to its receiver; `hold` lists receivers that step but do not flush. */
  const deliverAll = (options: { hold?: string } = {}): number => {
    let moved = 0;
    for (const [, outbox] of outboxes) {
      for (const message of outbox.splice(0)) {
        node(message.to).deliver(message);
        moved += 1;
      }
    }
    for (const id of IDS) if (id !== options.hold) node(id).flush();
    return moved;
  };
  const settle = () => {
    for (let i = 0; i < 50 && deliverAll() > 0; i++);
  };
  return { node, outboxes, outcomes, deliverAll, settle };
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
    expect(read?.ok && read.value['value']).toBe('new');
  });
});
