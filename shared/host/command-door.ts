// The one command switch: what each command of the lab means, carried out on whatever a host has.
// The lab's cluster (server/cluster/cluster.ts: worker threads, real time) and the simulator's
// (shared/sim/sim-cluster.ts: in-process nodes, virtual time) each implement the ports below and
// send every command through runCommand, so a command cannot mean one thing on the page and
// another in a seed. A port may answer at once or later (the simulator's answer at once; the lab's
// are promises): the door awaits either. A host without a port for something (the simulator has
// no wall clock, chaos autopilot or tours) refuses those commands with the same error shape.
import { CommandError, type ClusterCommand, type Command } from '../protocol/commands.ts';
import type { CommandResults, DiskFaultResult, PowerCutResult, ResultOf, RestoreResult, SnapshotSaved } from '../protocol/command-results.ts';
import type { AnswerTo } from '../node/answers.ts';
import type { NodeRequest } from '../node/protocol.ts';
import type { NetworkCommand } from './network-commands.ts';
import type { DiskFault } from '../node/disk-fault.ts';
import { faultOfCommand } from '../protocol/disk-fault-schema.ts';
import { runClientCommand, runMessageCommand, type CommandBus, type CommandGateway } from './shared-commands.ts';

type Awaitable<T> = T | Promise<T>;

export interface ClusterPorts {
  // Nodes. Each checks what it needs (a kill of a node already down is a conflict).
  kill(node: string): Awaitable<void>;
  restart(node: string): Awaitable<void>;
  pauseNode(node: string): Awaitable<void>;
  resumeNode(node: string): Awaitable<void>;
  wipeNode(node: string): Awaitable<void>;
  /** One node's power cut (`next-sync`: at its next sync); what it lost. */
  powerCut(node: string, at: 'now' | 'next-sync'): Awaitable<PowerCutResult>;
  /** Every node's power at once, those already down too. */
  powerLoss(): Awaitable<void>;
  /** One node's disk fault (shared/node/disk-fault.ts); `corrupt` flips a bit now, where the host's
   *  disk says. What the disk answered (where a bit was flipped). */
  diskFault(node: string, fault: Exclude<DiskFault, { kind: 'corrupt' }> | { kind: 'corrupt' }): Awaitable<DiskFaultResult>;
  restartAll(): Awaitable<void>;
  /** A request to one node, answered with its value or thrown as the CommandError it earned. */
  ask<R extends NodeRequest>(node: string, request: R): Awaitable<AnswerTo<R>>;
  tearTail(node: string): Awaitable<CommandResults['tear-tail']>;
  /** Throws not-found for a node the cluster does not have; returns its id. */
  known(node: string): string;

  // Membership.
  addNode(learner: boolean): string;
  removeNode(node: string): void;
  promote(node: string): void;
  changeMembership(add: readonly string[], remove: readonly string[]): Awaitable<CommandResults['change-membership']>;
  transferLeadership(to: string): Awaitable<CommandResults['transfer-leadership']>;

  // Network and bus.
  network(command: NetworkCommand): CommandResults['network'];
  hold(held: boolean): void;
  /** Delivers the next message only; its summary, or null when nothing travels. */
  step(): string | null;
  readonly bus: CommandBus;

  // Clients, switches, snapshots, reset.
  readonly gateway: CommandGateway;
  switches(change: Extract<Command, { type: 'switches' }>): Awaitable<CommandResults['switches']>;
  snapshotSave(): Awaitable<SnapshotSaved>;
  snapshotRestore(): Awaitable<RestoreResult>;
  reset(): Awaitable<void>;

  // The lab's only: absent in the simulator.
  clock?(speed: number | undefined, paused: boolean | undefined): CommandResults['clock'];
  chaos?(running: boolean, load: boolean): Awaitable<CommandResults['chaos']>;
  tourNext?(prediction: string | null): Awaitable<CommandResults['tour-next']>;
}

/**
 * A host's bus and client gateway as ports, reached when a command needs them: hosts make them in
 * their constructors, after the ports object is built.
 */
export function lateBusAndGateway(bus: () => CommandBus, gateway: () => CommandGateway): Pick<ClusterPorts, 'bus' | 'gateway'> {
  return {
    bus: {
      inspect: (id) => bus().inspect(id),
      dropById: (id, reason) => bus().dropById(id, reason),
      deliverNow: (id) => bus().deliverNow(id),
      duplicate: (id) => bus().duplicate(id),
    },
    gateway: {
      write: (request) => gateway().write(request),
      read: (key, consistency, node, version) => gateway().read(key, consistency, node, version),
      readMetadata: (key, consistency, node) => gateway().readMetadata(key, consistency, node),
      list: (prefix, consistency, node) => gateway().list(prefix, consistency, node),
      get casByValue() {
        return gateway().casByValue ?? false;
      },
    },
  };
}

type Handler<K extends ClusterCommand['type']> = (command: Extract<ClusterCommand, { type: K }>, ports: ClusterPorts) => Awaitable<CommandResults[K]>;

const nothing = async (work: Awaitable<void>): Promise<undefined> => void (await work);
const client = <C extends Parameters<typeof runClientCommand>[0]>(command: C, ports: ClusterPorts) => runClientCommand(command, ports.gateway, (node) => ports.known(node));

/** What each command means, carried out on a host's ports; the table's type makes each answer its command's. */
const HANDLERS: { readonly [K in ClusterCommand['type']]: Handler<K> } = {
  kill: (command, ports) => nothing(ports.kill(command.node)),
  restart: (command, ports) => nothing(ports.restart(command.node)),
  'pause-node': (command, ports) => nothing(ports.pauseNode(command.node)),
  'resume-node': (command, ports) => nothing(ports.resumeNode(command.node)),
  'wipe-node': (command, ports) => nothing(ports.wipeNode(command.node)),
  'power-cut': (command, ports) => ports.powerCut(command.node, command.at ?? 'now'),
  'power-loss': (_command, ports) => nothing(ports.powerLoss()),
  'disk-fault': (command, ports) => {
    ports.known(command.node);
    let fault;
    try {
      fault = faultOfCommand(command);
    } catch (error) {
      throw new CommandError('bad-request', error instanceof Error ? error.message : String(error));
    }
    return ports.diskFault(command.node, fault);
  },
  'restart-all': (_command, ports) => nothing(ports.restartAll()),
  campaign: (command, ports) => ports.ask(command.node, { kind: 'campaign' }),
  'snapshot-now': (command, ports) => ports.ask(command.node, { kind: 'snapshot-now' }),
  disk: (command, ports) => ports.ask(command.node, { kind: 'disk' }),
  'tear-tail': (command, ports) => ports.tearTail(command.node),
  'add-node': (command, ports) => ({ node: ports.addNode(command.learner ?? false) }),
  'remove-node': (command, ports) => {
    ports.known(command.node);
    ports.removeNode(command.node);
    return undefined;
  },
  promote: (command, ports) => void ports.promote(command.node),
  'change-membership': (command, ports) => ports.changeMembership(command.add, command.remove),
  'transfer-leadership': (command, ports) => ports.transferLeadership(command.to),
  'cut-link': (command, ports) => ports.network(command),
  'heal-link': (command, ports) => ports.network(command),
  partition: (command, ports) => ports.network(command),
  isolate: (command, ports) => ports.network(command),
  split: (command, ports) => ports.network(command),
  'heal-network': (command, ports) => ports.network(command),
  network: (command, ports) => ports.network(command),
  hold: (command, ports) => void ports.hold(command.held),
  step: (_command, ports) => ({ delivered: ports.step() }),
  'inspect-message': (command, ports) => runMessageCommand(command, ports.bus),
  'drop-message': (command, ports) => runMessageCommand(command, ports.bus),
  'deliver-message': (command, ports) => runMessageCommand(command, ports.bus),
  'duplicate-message': (command, ports) => runMessageCommand(command, ports.bus),
  put: (command, ports) => client(command, ports),
  delete: (command, ports) => client(command, ports),
  get: (command, ports) => client(command, ports),
  'get-metadata': (command, ports) => client(command, ports),
  'list-keys': (command, ports) => client(command, ports),
  switches: (command, ports) => ports.switches(command),
  'snapshot-save': (_command, ports) => ports.snapshotSave(),
  'snapshot-restore': (_command, ports) => ports.snapshotRestore(),
  'reset-cluster': (_command, ports) => nothing(ports.reset()),
  clock: (command, ports) => {
    if (!ports.clock) throw unsupported(command.type);
    return ports.clock(command.speed, command.paused);
  },
  chaos: (command, ports) => {
    if (!ports.chaos) throw unsupported(command.type);
    return ports.chaos(command.running, command.load ?? true);
  },
  'tour-next': (command, ports) => {
    if (!ports.tourNext) throw unsupported(command.type);
    return ports.tourNext(command.prediction ?? null);
  },
};

/** What `command` means, carried out on `ports`. Errors are CommandErrors (their code is the answer's). */
export async function runCommand<C extends ClusterCommand>(command: C, ports: ClusterPorts): Promise<ResultOf<C>> {
  const handler = HANDLERS[command.type as C['type']] as Handler<C['type']> | undefined;
  // Commands are validated before they get here; an unknown type is a caller's bug, said plainly.
  if (!handler) throw new CommandError('bad-request', `unknown command ${JSON.stringify(command).slice(0, 200)}`);
  return handler(command as Extract<ClusterCommand, { type: C['type'] }>, ports);
}

function unsupported(type: string): CommandError {
  return new CommandError('bad-request', `not supported in the simulator: ${type}`);
}
