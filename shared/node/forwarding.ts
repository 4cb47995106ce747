// A client request one node hands to another: a write (or a read) sent to a follower's own API
// port goes to the leader as a Forward message, and its answer comes back as a ForwardResponse,
// as a Vault standby forwards to the active node. They are node-to-node messages like Raft's, so
// they cross the same bus: shown, delayed, dropped, duplicated and cut like the others. They are
// not Raft's: the core never sees them; the node runtime answers them (node-runtime.ts).
import type { MessageBase } from '../raft/types.ts';
import type { ClientOutcome, NodeRequest } from './protocol.ts';

/** What a node may forward: a client's write or read. Membership and snapshots stay the operator's. */
export type ForwardableRequest = Extract<NodeRequest, { kind: 'propose' | 'read' }>;

export interface ForwardMessage extends MessageBase {
  readonly type: 'Forward';
  /** The sender's id for this request; the response carries it back. */
  readonly id: number;
  readonly request: ForwardableRequest;
}

export interface ForwardResponseMessage extends MessageBase {
  readonly type: 'ForwardResponse';
  readonly id: number;
  readonly outcome: ClientOutcome;
}

export type ForwardingMessage = ForwardMessage | ForwardResponseMessage;

/** Forwarding is not part of any Raft term: its messages carry term 0, and no node steps on them. */
export const FORWARD_TERM = 0;

export function isForwarding(message: MessageBase): message is ForwardingMessage {
  return message.type === 'Forward' || message.type === 'ForwardResponse';
}

/** `n2→n1 Forward #3 write (57 bytes)`, `n1→n2 ForwardResp #3 ok index=12`: never the value. */
export function describeForwarding(message: ForwardingMessage): string {
  const head = `${message.from}→${message.to}`;
  if (message.type === 'Forward') {
    const request = message.request;
    const what = request.kind === 'propose' ? `write (${request.command.length} bytes)` : `${request.consistency} read of ${JSON.stringify(request.key.slice(0, 40))}`;
    return `${head} Forward #${message.id} ${what}`;
  }
  const outcome = message.outcome;
  if (!outcome.ok) return `${head} ForwardResp #${message.id} ${outcome.code}`;
  const index = (outcome.value as { index?: unknown }).index;
  return `${head} ForwardResp #${message.id} ok${typeof index === 'number' ? ` index=${index}` : ''}`;
}
