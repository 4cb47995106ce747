// Test helper: three node runtimes on memory disks, wired by hand, so a test steps every turn
// itself (no worker, no bus): what the runtime promises, checked message by message.
import type { Message } from '../../raft/index.ts';
import { MemoryDisk, pieceEncoder } from '../memory-disk.ts';
import { NodeRuntime } from '../node-runtime.ts';
import type { ClientOutcome, NodeReport } from '../protocol.ts';

const IDS = ['n1', 'n2', 'n3'];

/** Three nodes n1..n3 of one configuration; `disks` may hand some of them a disk of the test's. */
export function threeNodes(disks: Partial<Record<string, MemoryDisk>> = {}) {
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
        { disk: disks[id] ?? new MemoryDisk(), encoder: pieceEncoder, report: take, now: () => 0, hooks: { background: () => {}, wake: () => {}, fatal: (error) => { throw error; } } },
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

