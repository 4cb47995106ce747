// The one door every command goes through, from REST and from the WebSocket alike: control needs
// the cluster's token, each connection has a rate limit, and add-node must fit the server's cap.
// Answers are CommandResults with the same codes either way.
import type { CommandResult, LabCommand } from '../../shared/protocol/commands.ts';
import { CommandError } from '../../shared/protocol/commands.ts';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import { logRequestFailure } from '../http/request-log.ts';

export interface CommandCaller {
  /** Presented the cluster's token. */
  readonly control: boolean;
  /** False when the connection's rate limit refused this command. */
  readonly withinRate: boolean;
}

export async function runCommand(registry: ClusterRegistry, session: LabSession, command: LabCommand, caller: CommandCaller): Promise<CommandResult> {
  if (!caller.withinRate) return { ok: false, code: 'rate-limited', error: 'too many commands on this connection; slow down' };
  if (!caller.control) {
    return { ok: false, code: 'forbidden', error: `watching only: controlling ${session.name} needs its token (open the control link, or fork your own cluster)` };
  }
  registry.touch(session);
  try {
    if (command.type === 'values-visibility') {
      registry.setPublicValues(session, command.public);
      return { ok: true, result: { publicValues: session.publicValues } };
    }
    if (command.type === 'add-node') registry.assertRoomForNode();
    return await session.cluster.execute(command);
  } catch (error) {
    if (error instanceof CommandError) return { ok: false, code: error.code, error: error.message };
    // The cause goes to the server log only; the client hears that it failed, not how.
    logRequestFailure(`command ${command.type} on ${session.name}`, error);
    return { ok: false, code: 'internal', error: 'internal error (see the server log)' };
  }
}
