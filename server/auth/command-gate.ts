// The one door every command goes through, from REST and from the WebSocket alike: control needs
// the cluster's token, each connection has a rate limit, and add-node must fit the server's cap.
// Answers are CommandResults with the same codes either way; the Vault routes take the typed door.
import type { ClusterCommand, CommandResult, LabCommand } from '../../shared/protocol/commands.ts';
import type { ResultOf } from '../../shared/protocol/command-results.ts';
import { CommandError } from '../../shared/protocol/commands.ts';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import { logRequestFailure } from '../http/request-log.ts';

export interface CommandCaller {
  /** Presented the cluster's token. */
  readonly control: boolean;
  /** False when the connection's rate limit refused this command. */
  readonly withinRate: boolean;
}

/**
 * A cluster command through the door, typed: refused (rate-limited, forbidden) or failed with the
 * CommandError it earned; its result by name otherwise. The Vault routes send their reads and
 * writes here, so they meet the same checks as REST and the WebSocket.
 */
export async function runClusterCommand<C extends ClusterCommand>(registry: ClusterRegistry, session: LabSession, command: C, caller: CommandCaller): Promise<ResultOf<C>> {
  admit(registry, session, caller);
  if (command.type === 'add-node') registry.assertRoomForNode();
  return session.cluster.run(command);
}

function admit(registry: ClusterRegistry, session: LabSession, caller: CommandCaller): void {
  if (!caller.withinRate) throw new CommandError('rate-limited', 'too many commands on this connection; slow down');
  if (!caller.control) {
    throw new CommandError('forbidden', `watching only: controlling ${session.name} needs its token (open the control link, or fork your own cluster)`);
  }
  registry.touch(session);
}

/** A command from REST or the WebSocket, answered as the wire's CommandResult (never throws). */
export async function runCommand(registry: ClusterRegistry, session: LabSession, command: LabCommand, caller: CommandCaller): Promise<CommandResult> {
  try {
    if (command.type === 'values-visibility') {
      admit(registry, session, caller);
      registry.setPublicValues(session, command.public);
      return { ok: true, result: { publicValues: session.publicValues } };
    }
    const result = await runClusterCommand(registry, session, command, caller);
    // Every command's result is an object or nothing (command-results.ts), so it is the wire's record.
    return result === undefined ? { ok: true } : { ok: true, result: result as Readonly<Record<string, unknown>> };
  } catch (error) {
    if (error instanceof CommandError) return { ok: false, code: error.code, error: error.message };
    // The cause goes to the server log only; the client hears that it failed, not how.
    logRequestFailure(`command ${command.type} on ${session.name}`, error);
    return { ok: false, code: 'internal', error: 'internal error (see the server log)' };
  }
}
