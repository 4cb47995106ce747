// What a watcher without the cluster's token sees of its values: keys, versions and a short digest
// of each value, never the value (as the Vault API answers a read without a token with 403). Equal
// values get equal digests within a cluster, so a watcher still sees which nodes agree, which value
// is stale, and the page's linearizability verdict still holds; the digest is keyed per cluster by
// the server, so it cannot be looked up in a table of common values.
//
// Values live only in fields named `value` (entry views, kv-applied, client-call, client-op, the
// view's key-value state); summaries and details are written without them. This file is the one
// place that knows which fields those are.
import type { ClusterEvent } from './events.ts';
import type { ClusterView, EntryView, NodeView } from './views.ts';

/** Turns a value into what a watcher may see of it. */
export type ValueDigest = (value: string) => string;

/** What a page is sent: values as they are, or digests of them. */
export type ValuesShown = 'shown' | 'digests';

/** A digest as the page shows it, so no one mistakes it for the value. */
export const digestText = (hex: string): string => `‹hidden ${hex}›`;

export function redactEvent(event: ClusterEvent, digest: ValueDigest): ClusterEvent {
  switch (event.type) {
    case 'node-recovered':
      return { ...event, log: redactEntries(event.log, digest) };
    case 'log-appended':
      return { ...event, entries: redactEntries(event.entries, digest) };
    case 'kv-applied':
    case 'client-call':
    case 'client-op':
      return event.value === null ? event : { ...event, value: digest(event.value) };
    default:
      return event;
  }
}

export function redactView(view: ClusterView, digest: ValueDigest): ClusterView {
  return { ...view, nodes: view.nodes.map((node) => redactNode(node, digest)) };
}

function redactNode(node: NodeView, digest: ValueDigest): NodeView {
  const kv: NodeView['kv'] = {};
  for (const [key, held] of Object.entries(node.kv)) kv[key] = { ...held, value: digest(held.value) };
  return { ...node, log: redactEntries(node.log, digest), kv };
}

function redactEntries(entries: readonly EntryView[], digest: ValueDigest): EntryView[] {
  return entries.map((entry) => (entry.value === undefined ? entry : { ...entry, value: digest(entry.value) }));
}
