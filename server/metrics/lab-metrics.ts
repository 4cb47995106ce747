// The lab's own metrics, raftlab_*: what etcd has no name for (roles, terms, the bus, the page's
// WebSocket streaming, the server's clusters).
import type { Registry } from 'prom-client';
import type { LabSession } from '../cluster-registry.ts';
import type { LiveServer } from '../live/live-server.ts';
import type { ClusterTracker } from './cluster-tracker.ts';
import { readCounter, readGauge, type Emit } from './read-metrics.ts';
import type { NodeView } from '../../shared/protocol/views.ts';

const ROLES = ['follower', 'pre-candidate', 'candidate', 'leader'] as const;

export interface LabSources {
  readonly clusters: () => ReadonlyArray<{ readonly session: LabSession; readonly tracker: ClusterTracker | undefined }>;
  readonly totalNodes: () => number;
  /** Events of every cluster since the server started, removed ones included. */
  readonly totalEvents: () => number;
  readonly live: () => LiveServer | null;
}

export function registerLabMetrics(registry: Registry, sources: LabSources): void {
  const node = ['cluster', 'node'];
  const perNode = (value: (view: NodeView, tracker: ClusterTracker | undefined) => number) => (emit: Emit) => {
    for (const { session, tracker } of sources.clusters()) for (const view of session.cluster.view.nodes) emit({ cluster: session.name, node: view.id }, value(view, tracker));
  };
  const perCluster = (value: (session: LabSession) => number) => (emit: Emit) => {
    for (const { session } of sources.clusters()) emit({ cluster: session.name }, value(session));
  };

  readGauge(registry, { name: 'raftlab_node_up', help: 'Whether the node runs (1) or is down, paused, starting or failed (0).', labelNames: node, read: perNode((view) => (view.life === 'alive' ? 1 : 0)) });
  readGauge(registry, { name: 'raftlab_node_term', help: 'Current Raft term of the node.', labelNames: node, read: perNode((view) => view.term) });
  readGauge(registry, {
    name: 'raftlab_node_role',
    help: "The node's Raft role (1 for the role it has).",
    labelNames: [...node, 'role'],
    read: (emit) => {
      for (const { session } of sources.clusters()) {
        for (const view of session.cluster.view.nodes) for (const role of ROLES) emit({ cluster: session.name, node: view.id, role }, view.life === 'alive' && view.role === role ? 1 : 0);
      }
    },
  });
  readGauge(registry, { name: 'raftlab_node_last_index', help: "Last index in the node's log.", labelNames: node, read: perNode((view) => view.lastIndex) });
  readCounter(registry, { name: 'raftlab_node_messages_sent_total', help: 'Raft messages the node sent onto the bus.', labelNames: node, read: perNode((view, tracker) => tracker?.sent.get(view.id) ?? 0) });
  readCounter(registry, { name: 'raftlab_node_fsyncs_total', help: "fdatasync calls by the node's current incarnation.", labelNames: node, read: perNode((view) => view.disk?.fsyncs ?? 0) });

  readCounter(registry, {
    name: 'raftlab_cluster_messages_total',
    help: 'Bus messages by outcome.',
    labelNames: ['cluster', 'outcome'],
    read: (emit) => {
      for (const { session } of sources.clusters()) {
        const bus = session.cluster.bus.counters;
        for (const outcome of ['sent', 'delivered', 'dropped', 'duplicated'] as const) emit({ cluster: session.name, outcome }, bus[outcome]);
      }
    },
  });
  readCounter(registry, { name: 'raftlab_cluster_bus_direct_total', help: 'Messages that went over a direct lane between workers (instant links), recorded by the bus; also counted as sent and delivered.', labelNames: ['cluster'], read: perCluster((s) => s.cluster.bus.counters.direct) });
  readCounter(registry, { name: 'raftlab_cluster_entries_persisted_total', help: 'Log entries written to disk.', labelNames: ['cluster'], read: perCluster((s) => s.cluster.disk.cluster.entriesPersisted) });
  readCounter(registry, { name: 'raftlab_cluster_events_total', help: 'Events the cluster emitted.', labelNames: ['cluster'], read: perCluster((s) => s.cluster.events.total) });
  readGauge(registry, { name: 'raftlab_cluster_viewers', help: 'WebSocket connections watching the cluster.', labelNames: ['cluster'], read: perCluster((s) => s.viewers) });
  readGauge(registry, { name: 'raftlab_cluster_has_leader', help: 'Whether the cluster has a live leader.', labelNames: ['cluster'], read: perCluster((s) => (s.cluster.leader() ? 1 : 0)) });

  readGauge(registry, { name: 'raftlab_clusters', help: 'Clusters this server runs.', read: (emit) => emit({}, sources.clusters().length) });
  readGauge(registry, { name: 'raftlab_nodes', help: 'Nodes across all clusters.', read: (emit) => emit({}, sources.totalNodes()) });
  readCounter(registry, { name: 'raftlab_events_total', help: 'Events emitted by all clusters since the server started.', read: (emit) => emit({}, sources.totalEvents()) });
  let lastScrape = { at: performance.now(), events: 0 };
  readGauge(registry, {
    name: 'raftlab_events_per_second',
    help: 'Events per second since the previous scrape.',
    read: (emit) => {
      const now = performance.now();
      const events = sources.totalEvents();
      const rate = ((events - lastScrape.events) * 1000) / Math.max(1, now - lastScrape.at);
      lastScrape = { at: now, events };
      emit({}, Math.round(rate * 10) / 10);
    },
  });
  const live = (metric: { name: string; help: string; counter?: boolean; value: (live: LiveServer) => number }): void => {
    const read = (emit: Emit): void => {
      const server = sources.live();
      if (server) emit({}, metric.value(server));
    };
    (metric.counter ? readCounter : readGauge)(registry, { name: metric.name, help: metric.help, read });
  };
  live({ name: 'raftlab_ws_connections', help: 'Open WebSocket connections.', value: (s) => s.connections });
  live({ name: 'raftlab_ws_viewers_behind', help: 'Connections switched to the coalesced summary (slow readers).', value: (s) => s.behind });
  live({ name: 'raftlab_ws_frames_sent_total', help: 'WebSocket frames sent.', counter: true, value: (s) => s.stats.framesSent });
  live({ name: 'raftlab_ws_events_sent_total', help: 'Events streamed to pages (counted once per page).', counter: true, value: (s) => s.stats.eventsSent });
  live({ name: 'raftlab_ws_resyncs_total', help: 'Coalesced summaries sent to pages that fell behind.', counter: true, value: (s) => s.stats.resyncs });
  live({ name: 'raftlab_ws_refused_upgrades_total', help: 'WebSocket upgrades refused (unknown cluster, Origin, cap).', counter: true, value: (s) => s.stats.refusedUpgrades });
}
