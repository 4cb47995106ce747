// Folds one event into a cluster view. The server and every page run this same function, so a
// late joiner's snapshot and a long-connected page's view cannot drift apart.
import type { ClusterEvent } from './events.ts';
import { VIEW_LOG_TAIL, type ClusterView, type EntryView, type NodeView } from './views.ts';

/** Violations kept in a view; the first ones matter most, so later ones beyond this are dropped. */
const MAX_VIOLATIONS = 50;

export function emptyNodeView(id: string): NodeView {
  return {
    id,
    life: 'starting',
    role: 'follower',
    term: 0,
    vote: null,
    leader: null,
    commit: 0,
    applied: 0,
    lastIndex: 0,
    lastTerm: 0,
    snapshotIndex: 0,
    config: { voters: [], learners: [], votersOutgoing: [] },
    progress: {},
    electionElapsed: 0,
    electionTimeout: 0,
    leaseReadSafe: false,
    statusAt: 0,
    log: [],
    kv: {},
    disk: null,
    reason: null,
  };
}

export function emptyClusterView(name: string, profile: ClusterView['profile'], tickMs: number): ClusterView {
  return {
    name,
    profile,
    tickMs,
    seq: 0,
    clock: { now: 0, speed: 1, paused: false },
    nodes: [],
    inFlight: [],
    network: null,
    held: false,
    switches: null,
    violations: [],
    liveness: null,
    tour: null,
    challenges: [],
    checkerStopped: null,
    chaos: { running: false, lastAction: null, actions: 0 },
  };
}

/** Mutates `view` in place (cheap for the server; the page's view is a Svelte $state proxy). */
export function applyEvent(view: ClusterView, event: ClusterEvent): void {
  view.seq = event.seq;
  if (event.time > view.clock.now) view.clock.now = event.time;
  switch (event.type) {
    case 'node-status': {
      const node = nodeFor(view, event.node);
      Object.assign(node, event.status);
      node.statusAt = event.time;
      if (node.life === 'starting') node.life = 'alive';
      return;
    }
    case 'node-added':
      nodeFor(view, event.node);
      return;
    case 'node-removed': {
      const at = view.nodes.findIndex((node) => node.id === event.node);
      if (at >= 0) view.nodes.splice(at, 1);
      return;
    }
    case 'node-starting': {
      const node = nodeFor(view, event.node);
      node.life = 'starting';
      node.reason = null;
      node.note = null;
      return;
    }
    case 'node-recovered': {
      const node = nodeFor(view, event.node);
      // Volatile state starts over; only what was on disk comes back.
      Object.assign(node, {
        life: 'alive',
        role: 'follower',
        leader: null,
        term: event.term,
        vote: event.vote,
        commit: event.snapshotIndex,
        applied: event.snapshotIndex,
        snapshotIndex: event.snapshotIndex,
        progress: {},
        kv: {},
        statusAt: event.time,
      });
      node.log = event.log.slice(-VIEW_LOG_TAIL);
      node.lastIndex = event.log.at(-1)?.index ?? event.snapshotIndex;
      return;
    }
    case 'node-killed':
    case 'node-failed': {
      const node = nodeFor(view, event.node);
      node.life = event.type === 'node-killed' ? 'dead' : 'failed';
      node.reason = event.reason;
      if (event.type === 'node-killed' && event.lost) node.powerCutLoss = event.lost;
      node.role = 'follower';
      node.leader = null;
      node.progress = {};
      return;
    }
    case 'node-note':
      nodeFor(view, event.node).note = event.note;
      return;
    case 'node-api':
      nodeFor(view, event.node).apiAddress = event.address;
      return;
    case 'node-paused':
      nodeFor(view, event.node).life = 'paused';
      return;
    case 'node-resumed':
      nodeFor(view, event.node).life = 'alive';
      return;
    case 'node-wiped': {
      const node = nodeFor(view, event.node);
      Object.assign(node, { log: [], kv: {}, term: 0, vote: null, commit: 0, applied: 0, lastIndex: 0, lastTerm: 0, snapshotIndex: 0, disk: null });
      delete node.diskFault; // a new, empty disk
      delete node.powerCutLoss;
      return;
    }
    case 'node-disk':
      nodeFor(view, event.node).disk = event.disk;
      return;
    case 'node-disk-fault': {
      const node = nodeFor(view, event.node);
      if (event.fault.kind === 'none') delete node.diskFault;
      else node.diskFault = event.fault;
      return;
    }
    case 'snapshot': {
      const node = nodeFor(view, event.node);
      node.snapshotIndex = Math.max(node.snapshotIndex, event.index);
      if (event.source === 'leader') {
        // The leader's image replaces our log and state machine up to its index.
        node.log = node.log.filter((entry) => entry.index > event.index);
        node.kv = {};
      }
      return;
    }
    case 'message-sent':
      view.inFlight.push(event.message);
      return;
    case 'message-delivered':
    case 'message-dropped':
      removeInFlight(view, event.id);
      return;
    case 'log-appended':
      appendEntries(nodeFor(view, event.node), event.entries);
      return;
    case 'log-truncated': {
      const node = nodeFor(view, event.node);
      node.log = node.log.filter((entry) => entry.index < event.fromIndex);
      node.lastIndex = Math.min(node.lastIndex, event.fromIndex - 1);
      return;
    }
    case 'kv-reset':
      nodeFor(view, event.node).kv = {};
      return;
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
    case 'network':
      view.network = event.network;
      return;
    case 'bus-hold':
      view.held = event.held;
      return;
    case 'switches':
      view.switches = event.switches;
      return;
    case 'tour':
      view.tour = event.tour;
      return;
    case 'chaos':
      view.chaos = { running: event.running, lastAction: event.action ?? view.chaos.lastAction, actions: view.chaos.actions + (event.action ? 1 : 0) };
      return;
    case 'violation':
      if (view.violations.length < MAX_VIOLATIONS) {
        view.violations.push({ seq: event.seq, time: event.time, invariant: event.invariant, explanation: event.explanation });
      }
      return;
    case 'liveness':
      view.liveness = event.liveness;
      return;
    case 'checker-stopped':
      view.checkerStopped = event.explanation;
      return;
    case 'challenge':
      if (!view.challenges.some((solved) => solved.id === event.challenge)) {
        view.challenges.push({ id: event.challenge, seq: event.seq, time: event.time, detail: event.detail });
      }
      return;
    case 'client-op':
    case 'client-call':
      return;
  }
}

function nodeFor(view: ClusterView, id: string): NodeView {
  const found = view.nodes.find((candidate) => candidate.id === id);
  if (found) return found;
  view.nodes.push(emptyNodeView(id));
  view.nodes.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  return view.nodes.find((candidate) => candidate.id === id)!;
}

function appendEntries(node: NodeView, entries: readonly EntryView[]): void {
  const first = entries[0];
  if (!first) return;
  // Appending at an index we already hold replaces our suffix from there (Raft's conflict rule).
  // The log is in index order, so the cut is found from the end (usually at once).
  let keep = node.log.length;
  while (keep > 0 && node.log[keep - 1]!.index >= first.index) keep--;
  const from = Math.max(0, keep + entries.length - VIEW_LOG_TAIL);
  node.log = node.log.slice(Math.min(from, keep), keep).concat(entries.length > VIEW_LOG_TAIL ? entries.slice(-VIEW_LOG_TAIL) : entries);
  node.lastIndex = entries.at(-1)!.index;
}

function removeInFlight(view: ClusterView, id: number): void {
  const at = view.inFlight.findIndex((message) => message.id === id);
  if (at >= 0) view.inFlight.splice(at, 1);
}
