// The commands whose meaning is the same in the lab and in the simulator, turned into calls on
// what each host has: its client gateway (a put, a delete, a get) and its bus (a message
// inspected, dropped, delivered or duplicated by hand). The hosts keep their own switch for
// everything else (a kill is a worker terminated in one and a machine switched off in the other)
// and call these from it.
import type { Command } from '../protocol/commands.ts';
import { CommandError } from '../protocol/command-error.ts';
import type { Consistency } from '../protocol/events.ts';
import type { InspectedMessage, ListResult, MetadataResult, ReadResult, WriteResult } from '../protocol/command-results.ts';

type Awaitable<T> = T | Promise<T>;
type ClientCommand = Extract<Command, { type: 'put' | 'delete' | 'get' | 'get-metadata' | 'list-keys' }>;
type MessageCommand = Extract<Command, { type: 'inspect-message' | 'drop-message' | 'deliver-message' | 'duplicate-message' }>;

export interface GatewayWrite {
  readonly op: 'put' | 'cas' | 'delete';
  readonly key: string;
  readonly value?: string;
  /** A Vault data object instead of a string value. */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly cas?: number;
  /** lin-kv's cas: the value the key must hold. */
  readonly from?: string;
  readonly node?: string;
}

/** A client gateway: the lab's answers later (a promise), the simulator's at once. */
export interface CommandGateway {
  write(request: GatewayWrite): Awaitable<WriteResult>;
  /** The key's latest value, or one kept `version` of it. */
  read(key: string, consistency: Consistency, node?: string, version?: number): Awaitable<ReadResult>;
  readMetadata(key: string, consistency: Consistency, node?: string): Awaitable<MetadataResult>;
  list(prefix: string, consistency: Consistency, node?: string): Awaitable<ListResult>;
  /** A store whose cas compares values (`from`: a foreign cluster's lin-kv), not versions. */
  readonly casByValue?: boolean;
}

type ClientResults = { put: WriteResult; delete: WriteResult; get: ReadResult; 'get-metadata': MetadataResult; 'list-keys': ListResult };

/** A put (a cas when it names a version), a delete, a read; `known` checks a named node exists. */
export function runClientCommand<C extends ClientCommand>(command: C, gateway: CommandGateway, known: (node: string) => string): Awaitable<ClientResults[C['type']]> {
  return runClient(command, gateway, known) as Awaitable<ClientResults[C['type']]>;
}

function runClient(command: ClientCommand, gateway: CommandGateway, known: (node: string) => string): Awaitable<ClientResults[ClientCommand['type']]> {
  const node = command.node ? known(command.node) : undefined;
  const at = node ? { node } : {};
  switch (command.type) {
    case 'put': {
      if (command.from !== undefined && !gateway.casByValue) throw new CommandError('bad-request', 'cas by value ("from") is for clusters of foreign lin-kv nodes; this store\'s cas takes a version ("cas": N)');
      const cas = command.cas !== undefined ? { cas: command.cas } : command.from !== undefined ? { from: command.from } : {};
      const payload = command.data !== undefined ? { data: command.data } : { value: command.value ?? '' };
      return gateway.write({ op: command.cas === undefined && command.from === undefined ? 'put' : 'cas', key: command.key, ...payload, ...cas, ...at });
    }
    case 'delete':
      return gateway.write({ op: 'delete', key: command.key, ...at });
    case 'get':
      return gateway.read(command.key, command.consistency ?? 'linearizable', node, command.version);
    case 'get-metadata':
      return gateway.readMetadata(command.key, command.consistency ?? 'linearizable', node);
    case 'list-keys':
      return gateway.list(command.prefix, command.consistency ?? 'linearizable', node);
  }
}

/** A message as a bus keeps it: the message itself and its view's fields. */
interface KeptMessage {
  readonly message: unknown;
  readonly summary: string;
  readonly sentAt: number;
  readonly deliverAt: number;
  readonly size: number;
}

/** A bus's by-hand actions on one message in flight. */
export interface CommandBus {
  /** Where a message is: travelling, waiting at a paused node's door, or delivered or dropped. */
  inspect(id: number): { readonly state: 'in-flight' | 'parked' | 'done'; readonly message: KeptMessage } | undefined;
  dropById(id: number, reason: string): boolean;
  deliverNow(id: number): boolean;
  duplicate(id: number): { readonly id: number } | undefined;
}

type MessageResults = { 'inspect-message': InspectedMessage; 'drop-message': undefined; 'deliver-message': undefined; 'duplicate-message': { readonly id: number } };

export function runMessageCommand<C extends MessageCommand>(command: C, bus: CommandBus): MessageResults[C['type']] {
  return runMessage(command, bus) as MessageResults[C['type']];
}

function runMessage(command: MessageCommand, bus: CommandBus): MessageResults[MessageCommand['type']] {
  const missing = (): CommandError => new CommandError('not-found', `message #${command.id} is not in flight`);
  switch (command.type) {
    case 'inspect-message': {
      const found = bus.inspect(command.id);
      if (!found) throw new CommandError('not-found', `message #${command.id} is neither in flight nor in recent history`);
      const { message, summary, sentAt, deliverAt, size } = found.message;
      // The core's message object as the bus keeps it (a foreign node's: its validated body).
      return { state: found.state, message: message as Record<string, unknown>, summary, sentAt, deliverAt, size };
    }
    case 'drop-message':
      if (!bus.dropById(command.id, 'dropped by hand')) throw missing();
      return undefined;
    case 'deliver-message':
      if (!bus.deliverNow(command.id)) throw missing();
      return undefined;
    case 'duplicate-message': {
      const copy = bus.duplicate(command.id);
      if (!copy) throw missing();
      return { id: copy.id };
    }
  }
}
