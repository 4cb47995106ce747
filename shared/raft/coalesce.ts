// Merging what one burst of work says to the same peer, for a host that sends it all at once.
//
// The core answers each proposal and each acknowledgement on its own, as etcd-io/raft does: with
// 30 proposals arriving together the leader emits 30 Appends of one entry to every follower, and
// each of their 30 answers moves the commit index and emits an empty Append carrying it. Sent as
// they are, every one costs a structured clone, a record on the bus and an answer. Delivered in
// order, an Append that continues the one before it (same term, next index) says nothing the
// single merged Append does not; a later Append's commit index supersedes an earlier one's; and a
// success answer for a higher index supersedes one for a lower index. So these are merged, within
// the bound on entries per message (a scenario may ask for one entry per message), and everything
// else is left exactly as it was, in the same order per peer.
import type { AppendMessage, AppendResponseMessage, Message } from './messages.ts';

export function coalesceMessages(messages: readonly Message[], maxEntriesPerMessage: number): Message[] {
  if (messages.length < 2) return [...messages];
  const out: Message[] = [];
  /** Where in `out` the latest message to each peer is. */
  const latest = new Map<string, number>();
  for (const message of messages) {
    const at = latest.get(message.to);
    const before = at === undefined ? undefined : out[at];
    const merged = before === undefined ? null : merge(before, message, maxEntriesPerMessage);
    if (merged !== null) {
      out[at!] = merged;
      continue;
    }
    latest.set(message.to, out.length);
    out.push(message);
  }
  return out;
}

function merge(a: Message, b: Message, maxEntries: number): Message | null {
  if (a.from !== b.from || a.term !== b.term) return null;
  if (a.type === 'Append' && b.type === 'Append') return mergeAppends(a, b, maxEntries);
  if (a.type === 'AppendResponse' && b.type === 'AppendResponse') return mergeAnswers(a, b);
  return null;
}

function mergeAppends(a: AppendMessage, b: AppendMessage, maxEntries: number): AppendMessage | null {
  const aLast = a.entries.at(-1);
  const aLastIndex = a.prevIndex + a.entries.length;
  const aLastTerm = aLast ? aLast.term : a.prevTerm;
  if (b.prevIndex !== aLastIndex || b.prevTerm !== aLastTerm) return null;
  if (a.entries.length + b.entries.length > maxEntries) return null;
  return { ...a, entries: b.entries.length === 0 ? a.entries : [...a.entries, ...b.entries], commit: Math.max(a.commit, b.commit) };
}

function mergeAnswers(a: AppendResponseMessage, b: AppendResponseMessage): AppendResponseMessage | null {
  if (a.reject || b.reject || b.index < a.index) return null;
  return b;
}
