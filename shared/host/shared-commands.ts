// The commands whose meaning is the same in the lab and in the simulator, turned into calls on
// what each host has: its client gateway (a put, a delete, a get) and its bus (a message
// inspected, dropped, delivered or duplicated by hand). The hosts keep their own switch for
// everything else (a kill is a worker terminated in one and a machine switched off in the other)
// and call these from it.
import type { Command } from '../protocol/commands.ts';
import { CommandError } from '../protocol/commands.ts';
import type { Consistency } from '../protocol/events.ts';

type ClientCommand = Extract<Command, { type: 'put' | 'delete' | 'get' }>;
type MessageCommand = Extract<Command, { type: 'inspect-message' | 'drop-message' | 'deliver-message' | 'duplicate-message' }>;

/** A client gateway: the lab's answers later (a promise), the simulator's at once. */
export interface CommandGateway<R> {
  write(request: { op: 'put' | 'cas' | 'delete'; key: string; value?: string; cas?: number; from?: string; node?: string }): R;
  /** A store whose cas compares values (`from`: a foreign cluster's lin-kv), not versions. */
  readonly casByValue?: boolean;
  read(key: string, consistency: Consistency, node?: string): R;
}

/** A put (a cas when it names a version), a delete or a get; `known` checks a named node exists. */
export function runClientCommand<R>(command: ClientCommand, gateway: CommandGateway<R>, known: (node: string) => string): R {
  const node = command.node ? { node: known(command.node) } : {};
  switch (command.type) {
    case 'put': {
      if (command.from !== undefined && !gateway.casByValue) throw new CommandError('bad-request', 'cas by value ("from") is for clusters of foreign lin-kv nodes; this store\'s cas takes a version ("cas": N)');
      const cas = command.cas !== undefined ? { cas: command.cas } : command.from !== undefined ? { from: command.from } : {};
      return gateway.write({ op: command.cas === undefined && command.from === undefined ? 'put' : 'cas', key: command.key, value: command.value, ...cas, ...node });
    }
    case 'delete':
      return gateway.write({ op: 'delete', key: command.key, ...node });
    case 'get':
      return gateway.read(command.key, command.consistency ?? 'linearizable', node.node);
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

export function runMessageCommand(command: MessageCommand, bus: CommandBus): Record<string, unknown> | undefined {
  const missing = (): CommandError => new CommandError('not-found', `message #${command.id} is not in flight`);
  switch (command.type) {
    case 'inspect-message': {
      const found = bus.inspect(command.id);
      if (!found) throw new CommandError('not-found', `message #${command.id} is neither in flight nor in recent history`);
      const { message, summary, sentAt, deliverAt, size } = found.message;
      return { state: found.state, message, summary, sentAt, deliverAt, size };
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
