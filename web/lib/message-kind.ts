// Families of Raft messages, for colour, size and the legend.
import type { MessageView } from '../../shared/protocol/index.ts';

export type MessageFamily = 'vote' | 'prevote' | 'append' | 'heartbeat' | 'snapshot' | 'timeout' | 'forward' | 'other';

export function messageFamily(kind: string): MessageFamily {
  if (kind.startsWith('PreVote')) return 'prevote';
  if (kind.startsWith('Vote')) return 'vote';
  if (kind.startsWith('Heartbeat')) return 'heartbeat';
  if (kind.startsWith('Append')) return 'append';
  if (kind.startsWith('Snapshot')) return 'snapshot';
  if (kind === 'TimeoutNow') return 'timeout';
  // A client request a node's own API port forwards to its leader (shared/node/forwarding.ts).
  if (kind === 'Forward' || kind === 'ForwardResponse') return 'forward';
  return foreignFamily(kind.toLowerCase());
}

/** A foreign node's body.type, as Maelstrom's Raft guide and students name them: request_vote,
 *  append_entries, heartbeat, install_snapshot (any case, - or _). */
function foreignFamily(kind: string): MessageFamily {
  if (/pre[-_]?vote/.test(kind)) return 'prevote';
  if (kind.includes('vote')) return 'vote';
  if (kind.includes('heartbeat')) return 'heartbeat';
  if (kind.includes('append')) return 'append';
  if (kind.includes('snapshot')) return 'snapshot';
  return 'other';
}

export function isReply(message: Pick<MessageView, 'kind'>): boolean {
  // Ours end in Response; Maelstrom nodes' replies in _ok, _res, _reply or _response.
  return message.kind.endsWith('Response') || /[-_](ok|res|reply|response|result)$/i.test(message.kind);
}

export const FAMILY_LABELS: Readonly<Record<MessageFamily, string>> = {
  vote: 'vote',
  prevote: 'pre-vote',
  append: 'append',
  heartbeat: 'heartbeat',
  snapshot: 'snapshot',
  timeout: 'timeout now',
  forward: 'forwarded request',
  other: 'other',
};
