// Families of Raft messages, for colour, size and the legend.
import type { MessageView } from '../../shared/protocol/index.ts';

export type MessageFamily = 'vote' | 'prevote' | 'append' | 'heartbeat' | 'snapshot' | 'timeout' | 'other';

export function messageFamily(kind: string): MessageFamily {
  if (kind.startsWith('PreVote')) return 'prevote';
  if (kind.startsWith('Vote')) return 'vote';
  if (kind.startsWith('Heartbeat')) return 'heartbeat';
  if (kind.startsWith('Append')) return 'append';
  if (kind.startsWith('Snapshot')) return 'snapshot';
  if (kind === 'TimeoutNow') return 'timeout';
  return 'other';
}

export function isReply(message: Pick<MessageView, 'kind'>): boolean {
  return message.kind.endsWith('Response');
}

export const FAMILY_LABELS: Readonly<Record<MessageFamily, string>> = {
  vote: 'vote',
  prevote: 'pre-vote',
  append: 'append',
  heartbeat: 'heartbeat',
  snapshot: 'snapshot',
  timeout: 'timeout now',
  other: 'other',
};
