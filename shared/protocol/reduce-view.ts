// Folds one event into a cluster view. The server and every page run this same function, so a
// late joiner's snapshot and a long-connected page's view cannot drift apart.
import type { ClusterEvent } from './events.ts';
import { VIEW_LOG_TAIL, type ClusterView, type EntryView, type NodeView } from './views.ts';

export function emptyNodeView(id: string): NodeView {
  return { id, life: 'starting', role: 'follower', term: 0, vote: null, leader: null, commit: 0, applied: 0, lastIndex: 0, log: [], kv: {} };
}

/** Mutates `view` in place (cheap for the server; the page's view is a Svelte $state proxy). */
export function applyEvent(view: ClusterView, event: ClusterEvent): void {
  view.seq = event.seq;
  if (event.time > view.clock.now) view.clock.now = event.time;
  switch (event.type) {
    case 'node-status': {
      const node = nodeFor(view, event.node);
      Object.assign(node, event.status);
      node.life = 'alive';
      return;
    }
    case 'node-starting': {
      const node = nodeFor(view, event.node);
      node.life = 'starting';
      return;
    }
    case 'node-recovered': {
      const node = nodeFor(view, event.node);
      // Volatile state starts over; only what was on disk comes back.
      Object.assign(node, { life: 'alive', role: 'follower', leader: null, term: event.term, vote: event.vote, commit: 0, applied: 0, kv: {} });
      node.log = event.log.slice(-VIEW_LOG_TAIL);
      node.lastIndex = event.log.at(-1)?.index ?? 0;
      return;
    }
    case 'node-killed': {
      const node = nodeFor(view, event.node);
      node.life = 'dead';
      node.role = 'follower';
      node.leader = null;
      return;
    }
    case 'message-sent':
      view.inFlight.push(event.message);
      return;
    case 'message-delivered':
    case 'message-dropped':
      removeInFlight(view, event.id);
      return;
    case 'log-appended': {
      const node = nodeFor(view, event.node);
      appendEntries(node, event.entries);
      return;
    }
    case 'log-truncated': {
      const node = nodeFor(view, event.node);
      node.log = node.log.filter((entry) => entry.index < event.fromIndex);
      node.lastIndex = Math.min(node.lastIndex, event.fromIndex - 1);
      return;
    }
    case 'kv-applied': {
      const node = nodeFor(view, event.node);
      if (event.value === null) delete node.kv[event.key];
      else node.kv[event.key] = { value: event.value, version: event.version, index: event.index };
      if (event.index > node.applied) node.applied = event.index;
      return;
    }
    case 'clock':
      view.clock = { ...event.clock };
      return;
    case 'client-op':
      return;
  }
}

function nodeFor(view: ClusterView, id: string): NodeView {
  let node = view.nodes.find((candidate) => candidate.id === id);
  if (!node) {
    node = emptyNodeView(id);
    view.nodes.push(node);
    view.nodes.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
    node = view.nodes.find((candidate) => candidate.id === id)!;
  }
  return node;
}

function appendEntries(node: NodeView, entries: readonly EntryView[]): void {
  const first = entries[0];
  if (!first) return;
  // Appending at an index we already hold replaces our suffix from there (Raft's conflict rule).
  const kept = node.log.filter((entry) => entry.index < first.index);
  node.log = kept.concat(entries).slice(-VIEW_LOG_TAIL);
  node.lastIndex = entries.at(-1)!.index;
}

function removeInFlight(view: ClusterView, id: number): void {
  const at = view.inFlight.findIndex((message) => message.id === id);
  if (at >= 0) view.inFlight.splice(at, 1);
}
