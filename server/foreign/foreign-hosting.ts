// What the cluster does differently when its nodes are a foreign program: how a node's host is
// made, and which commands mean nothing to a Maelstrom node (its membership is fixed at init, its
// disk and its switches are its own) and are refused with a clear error instead of half-working.
import { CommandError } from '../../shared/protocol/commands.ts';
import type { ClusterPorts } from '../../shared/host/command-door.ts';
import { ForeignNodeHost, type ForeignHostEvents } from './foreign-node-host.ts';
import type { ForeignImplementation } from './implementations.ts';
import { LinKvClient } from './lin-kv-client.ts';
import { ModuleNode } from './module-node.ts';
import { NodeProcess } from './node-process.ts';
import type { StartRunner } from './node-runner.ts';
import type { UnstampedEvent } from '../../shared/protocol/events.ts';

export function foreignHost(id: string, implementation: ForeignImplementation, parts: ForeignHostEvents & { nodes: () => readonly string[] }): ForeignNodeHost {
  const { nodes, ...events } = parts;
  const start: StartRunner =
    implementation.kind === 'module'
      ? (dir, node, runnerEvents) => new ModuleNode(implementation.argv[0]!, dir, node, runnerEvents)
      : (dir, node, runnerEvents) => new NodeProcess(implementation.argv, dir, node, runnerEvents);
  return new ForeignNodeHost(id, { start, nodes }, events);
}

const REFUSED = {
  addNode: 'adding a node (a Maelstrom node learns its cluster once, at init)',
  removeNode: 'removing a node (a Maelstrom node learns its cluster once, at init)',
  promote: 'promoting a learner (a Maelstrom node learns its cluster once, at init)',
  changeMembership: 'a membership change (a Maelstrom node learns its cluster once, at init)',
  transferLeadership: 'a leadership transfer (not part of Maelstrom\'s protocol)',
  switches: 'protections and bug switches (they are our core\'s)',
  snapshotSave: 'a snapshot of the store (not part of Maelstrom\'s protocol)',
  snapshotRestore: 'restoring a snapshot (not part of Maelstrom\'s protocol)',
  tearTail: 'tearing a log\'s tail (the node\'s files are its own)',
  powerCut: 'a power cut (the node\'s files and syncs are its own: kill it instead)',
  powerLoss: 'a power loss (the nodes\' files and syncs are their own: kill them instead)',
} as const satisfies Partial<Record<keyof ClusterPorts, string>>;

/** The cluster's ports with what a foreign node cannot do refused. */
export function refuseForForeign(ports: ClusterPorts): ClusterPorts {
  const refused: Partial<ClusterPorts> = {};
  for (const [port, what] of Object.entries(REFUSED)) {
    (refused as Record<string, unknown>)[port] = () => {
      throw new CommandError('conflict', `this cluster's nodes are a foreign implementation: ${what} is not available`);
    };
  }
  return { ...ports, ...refused };
}

/** The lab's lin-kv client of a foreign cluster, over what the cluster knows of its nodes. */
export function linKvClientOf(
  cluster: { nodeIds(): string[]; leader(): string | null; isRunning(node: string): boolean; attemptTimeoutMs(): number; readonly events: { emit(event: UnstampedEvent): unknown }; readonly clock: { now(): number } },
  host: (node: string) => unknown,
): LinKvClient {
  return new LinKvClient({
    nodes: () => cluster.nodeIds(),
    leader: () => cluster.leader(),
    isRunning: (node) => cluster.isRunning(node),
    send: (node, message) => {
      const target = host(node);
      return target instanceof ForeignNodeHost && target.sendFromClient(message);
    },
    attemptTimeoutMs: () => cluster.attemptTimeoutMs(),
    emit: (event) => void cluster.events.emit(event),
    now: () => cluster.clock.now(),
  });
}
