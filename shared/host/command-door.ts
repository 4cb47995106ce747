// The one command switch: what each command of the lab means, carried out on whatever a host has.
// The lab's cluster (server/cluster/cluster.ts: worker threads, real time) and the simulator's
// (shared/sim/sim-cluster.ts: in-process nodes, virtual time) each implement the ports below and
// send every command through runCommand, so a command cannot mean one thing on the page and
// another in a seed. A port may answer at once or later (the simulator's answer at once; the lab's
// are promises): the door awaits either. A host without a port for something (the simulator has
// no wall clock, chaos autopilot or tours) refuses those commands with the same error shape.
import { CommandError, type ClusterCommand, type Command } from '../protocol/commands.ts';
import type { NodeRequest } from '../node/protocol.ts';
import type { NetworkCommand } from './network-commands.ts';
import type { DiskFault } from '../node/disk-fault.ts';
import { faultOfCommand } from '../protocol/disk-fault-schema.ts';
import { runClientCommand, runMessageCommand, type CommandBus, type CommandGateway } from './shared-commands.ts';

type Awaitable<T> = T | Promise<T>;
export type CommandValue = Record<string, unknown> | undefined;

export interface ClusterPorts {
  // Nodes. Each checks what it needs (a kill of a node already down is a conflict).
  kill(node: string): Awaitable<void>;
  restart(node: string): Awaitable<void>;
  pauseNode(node: string): Awaitable<void>;
  resumeNode(node: string): Awaitable<void>;
  wipeNode(node: string): Awaitable<void>;
  /** One node's power cut (`next-sync`: at its next sync); what it lost. */
  powerCut(node: string, at: 'now' | 'next-sync'): Awaitable<CommandValue>;
  /** Every node's power at once, those already down too. */
  powerLoss(): Awaitable<void>;
  /** One node's disk fault (shared/node/disk-fault.ts); `corrupt` flips a bit now, where the host's
   *  disk says. What the disk answered (where a bit was flipped). */
  diskFault(node: string, fault: Exclude<DiskFault, { kind: 'corrupt' }> | { kind: 'corrupt' }): Awaitable<CommandValue>;
  restartAll(): Awaitable<void>;
  /** A request to one node, answered with its value or thrown as the CommandError it earned. */
  ask(node: string, request: NodeRequest): Awaitable<Record<string, unknown>>;
  tearTail(node: string): Awaitable<Record<string, unknown>>;
  /** Throws not-found for a node the cluster does not have; returns its id. */
  known(node: string): string;

  // Membership.
  addNode(learner: boolean): string;
  removeNode(node: string): void;
  promote(node: string): void;
  changeMembership(add: readonly string[], remove: readonly string[]): Awaitable<Record<string, unknown>>;
  transferLeadership(to: string): Awaitable<Record<string, unknown>>;

  // Network and bus.
  network(command: NetworkCommand): Record<string, unknown>;
  hold(held: boolean): void;
  /** Delivers the next message only; its summary, or null when nothing travels. */
  step(): string | null;
  readonly bus: CommandBus;

  // Clients, switches, snapshots, reset.
  readonly gateway: CommandGateway<Awaitable<Record<string, unknown>>>;
  switches(change: Extract<Command, { type: 'switches' }>): Awaitable<Record<string, unknown>>;
  snapshotSave(): Awaitable<Record<string, unknown>>;
  snapshotRestore(): Awaitable<Record<string, unknown>>;
  reset(): Awaitable<void>;

  // The lab's only: absent in the simulator.
  clock?(speed: number | undefined, paused: boolean | undefined): Record<string, unknown>;
  chaos?(running: boolean, load: boolean): Awaitable<Record<string, unknown>>;
  tourNext?(): Awaitable<Record<string, unknown>>;
}

type Gateway = ClusterPorts['gateway'];

/**
 * A host's bus and client gateway as ports, reached when a command needs them: hosts make them in
 * their constructors, after the ports object is built.
 */
export function lateBusAndGateway(bus: () => CommandBus, gateway: () => Gateway): Pick<ClusterPorts, 'bus' | 'gateway'> {
  return {
    bus: {
      inspect: (id) => bus().inspect(id),
      dropById: (id, reason) => bus().dropById(id, reason),
      deliverNow: (id) => bus().deliverNow(id),
      duplicate: (id) => bus().duplicate(id),
    },
    gateway: {
      write: (request) => gateway().write(request),
      read: (key, consistency, node) => gateway().read(key, consistency, node),
      get casByValue() {
        return gateway().casByValue ?? false;
      },
    },
  };
}

/** What `command` means, carried out on `ports`. Errors are CommandErrors (their code is the answer's). */
export async function runCommand(command: ClusterCommand, ports: ClusterPorts): Promise<CommandValue> {
  switch (command.type) {
    case 'kill':
      return void (await ports.kill(command.node));
    case 'restart':
      return void (await ports.restart(command.node));
    case 'pause-node':
      return void (await ports.pauseNode(command.node));
    case 'resume-node':
      return void (await ports.resumeNode(command.node));
    case 'wipe-node':
      return void (await ports.wipeNode(command.node));
    case 'power-cut':
      return ports.powerCut(command.node, command.at ?? 'now');
    case 'power-loss':
      return void (await ports.powerLoss());
    case 'disk-fault': {
      ports.known(command.node);
      let fault;
      try {
        fault = faultOfCommand(command);
      } catch (error) {
        throw new CommandError('bad-request', error instanceof Error ? error.message : String(error));
      }
      return ports.diskFault(command.node, fault);
    }
    case 'restart-all':
      return void (await ports.restartAll());
    case 'campaign':
    case 'snapshot-now':
    case 'disk':
      return ports.ask(command.node, { kind: command.type });
    case 'tear-tail':
      return ports.tearTail(command.node);
    case 'add-node':
      return { node: ports.addNode(command.learner ?? false) };
    case 'remove-node':
      ports.known(command.node);
      return void ports.removeNode(command.node);
    case 'promote':
      return void ports.promote(command.node);
    case 'change-membership':
      return ports.changeMembership(command.add, command.remove);
    case 'transfer-leadership':
      return ports.transferLeadership(command.to);
    case 'cut-link':
    case 'heal-link':
    case 'partition':
    case 'isolate':
    case 'split':
    case 'heal-network':
    case 'network':
      return ports.network(command);
    case 'hold':
      return void ports.hold(command.held);
    case 'step':
      return { delivered: ports.step() };
    case 'inspect-message':
    case 'drop-message':
    case 'deliver-message':
    case 'duplicate-message':
      return runMessageCommand(command, ports.bus);
    case 'put':
    case 'delete':
    case 'get':
      return runClientCommand(command, ports.gateway, (node) => ports.known(node));
    case 'switches':
      return ports.switches(command);
    case 'snapshot-save':
      return ports.snapshotSave();
    case 'snapshot-restore':
      return ports.snapshotRestore();
    case 'reset-cluster':
      return void (await ports.reset());
    case 'clock':
      if (!ports.clock) throw unsupported(command.type);
      return ports.clock(command.speed, command.paused);
    case 'chaos':
      if (!ports.chaos) throw unsupported(command.type);
      return ports.chaos(command.running, command.load ?? true);
    case 'tour-next':
      if (!ports.tourNext) throw unsupported(command.type);
      return ports.tourNext();
    default: {
      const unknown: never = command;
      throw new CommandError('bad-request', `unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function unsupported(type: string): CommandError {
  return new CommandError('bad-request', `not supported in the simulator: ${type}`);
}
