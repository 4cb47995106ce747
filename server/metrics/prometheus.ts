// /metrics in the Prometheus text format (version 0.0.4). Per node: up, term, role, commit and
// applied index, messages sent, fsyncs. Per cluster: bus counters, fsync time, events. Per
// server: clusters, nodes, WebSocket connections and streaming counters, events per second.
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import type { LiveServer } from '../live/live-server.ts';

type Labels = Record<string, string>;

class Exposition {
  private readonly lines: string[] = [];
  private readonly declared = new Set<string>();

  metric(name: string, type: 'gauge' | 'counter', help: string, value: number, labels: Labels = {}): void {
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    }
    const pairs = Object.entries(labels).map(([key, label]) => `${key}="${label.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
    this.lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const ROLES = ['follower', 'pre-candidate', 'candidate', 'leader'] as const;

export class MetricsCollector {
  /** Messages sent per node, counted from each cluster's event stream since it was created. */
  private readonly sentBy = new Map<LabSession, Map<string, number>>();
  private readonly unsubscribe = new Map<LabSession, () => void>();
  private lastScrape = { at: performance.now(), events: 0 };
  /** Events of clusters that were removed, so the server total never goes backwards. */
  private removedEvents = 0;

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly live: () => LiveServer | null,
  ) {}

  watch(session: LabSession): void {
    const counts = new Map<string, number>();
    this.sentBy.set(session, counts);
    this.unsubscribe.set(
      session,
      session.cluster.events.subscribe((event) => {
        if (event.type === 'message-sent') counts.set(event.message.from, (counts.get(event.message.from) ?? 0) + 1);
      }),
    );
  }

  forget(session: LabSession): void {
    this.unsubscribe.get(session)?.();
    this.unsubscribe.delete(session);
    this.sentBy.delete(session);
    this.removedEvents += session.cluster.events.total;
  }

  render(): string {
    const out = new Exposition();
    const sessions = this.registry.all();
    let events = this.removedEvents;
    for (const session of sessions) {
      const cluster = { cluster: session.name };
      const { cluster: c } = session;
      events += c.events.total;
      for (const node of c.view.nodes) {
        const labels = { ...cluster, node: node.id };
        const alive = node.life === 'alive';
        out.metric('raftlab_node_up', 'gauge', 'Whether the node runs (1) or is down, paused, starting or failed (0).', alive ? 1 : 0, labels);
        out.metric('raftlab_node_term', 'gauge', 'Current Raft term of the node.', node.term, labels);
        for (const role of ROLES) out.metric('raftlab_node_role', 'gauge', 'The node\'s Raft role (1 for the role it has).', alive && node.role === role ? 1 : 0, { ...labels, role });
        out.metric('raftlab_node_commit_index', 'gauge', 'Highest log index the node knows committed.', node.commit, labels);
        out.metric('raftlab_node_applied_index', 'gauge', 'Highest log index the node applied to its state machine.', node.applied, labels);
        out.metric('raftlab_node_last_index', 'gauge', 'Last index in the node\'s log.', node.lastIndex, labels);
        out.metric('raftlab_node_messages_sent_total', 'counter', 'Raft messages the node sent onto the bus.', this.sentBy.get(session)?.get(node.id) ?? 0, labels);
        out.metric('raftlab_node_fsyncs_total', 'counter', 'fdatasync calls by the node\'s current incarnation.', node.disk?.fsyncs ?? 0, labels);
        const disk = c.disk.perNode.get(node.id);
        out.metric('raftlab_node_fsync_seconds_sum', 'counter', 'Time the node spent in fdatasync since the server started.', (disk?.fsyncMs ?? 0) / 1000, labels);
        out.metric('raftlab_node_fsync_seconds_count', 'counter', 'fdatasync batches of the node since the server started.', disk?.fsyncBatches ?? 0, labels);
      }
      const bus = c.bus.counters;
      for (const outcome of ['sent', 'delivered', 'dropped', 'duplicated'] as const) {
        out.metric('raftlab_cluster_messages_total', 'counter', 'Bus messages by outcome.', bus[outcome], { ...cluster, outcome });
      }
      out.metric('raftlab_cluster_bus_direct_total', 'counter', 'Messages that went over a direct lane between workers (instant links), recorded by the bus; also counted as sent and delivered.', bus.direct, cluster);
      out.metric('raftlab_cluster_fsync_seconds_sum', 'counter', 'Time spent in fdatasync across the cluster\'s nodes.', c.disk.cluster.fsyncMs / 1000, cluster);
      out.metric('raftlab_cluster_fsync_seconds_count', 'counter', 'fdatasync batches across the cluster\'s nodes.', c.disk.cluster.fsyncBatches, cluster);
      out.metric('raftlab_cluster_entries_persisted_total', 'counter', 'Log entries written to disk.', c.disk.cluster.entriesPersisted, cluster);
      out.metric('raftlab_cluster_events_total', 'counter', 'Events the cluster emitted.', c.events.total, cluster);
      out.metric('raftlab_cluster_viewers', 'gauge', 'WebSocket connections watching the cluster.', session.viewers, cluster);
      out.metric('raftlab_cluster_has_leader', 'gauge', 'Whether the cluster has a live leader.', c.leader() ? 1 : 0, cluster);
    }
    const now = performance.now();
    const rate = ((events - this.lastScrape.events) * 1000) / Math.max(1, now - this.lastScrape.at);
    this.lastScrape = { at: now, events };
    out.metric('raftlab_clusters', 'gauge', 'Clusters this server runs.', sessions.length);
    out.metric('raftlab_nodes', 'gauge', 'Nodes across all clusters.', this.registry.totalNodes());
    out.metric('raftlab_events_total', 'counter', 'Events emitted by all clusters since the server started.', events);
    out.metric('raftlab_events_per_second', 'gauge', 'Events per second since the previous scrape.', Math.round(rate * 10) / 10);
    const live = this.live();
    if (live) {
      out.metric('raftlab_ws_connections', 'gauge', 'Open WebSocket connections.', live.connections);
      out.metric('raftlab_ws_viewers_behind', 'gauge', 'Connections switched to the coalesced summary (slow readers).', live.behind);
      out.metric('raftlab_ws_frames_sent_total', 'counter', 'WebSocket frames sent.', live.stats.framesSent);
      out.metric('raftlab_ws_events_sent_total', 'counter', 'Events streamed to pages (counted once per page).', live.stats.eventsSent);
      out.metric('raftlab_ws_resyncs_total', 'counter', 'Coalesced summaries sent to pages that fell behind.', live.stats.resyncs);
      out.metric('raftlab_ws_refused_upgrades_total', 'counter', 'WebSocket upgrades refused (unknown cluster, Origin, cap).', live.stats.refusedUpgrades);
    }
    return out.text();
  }
}
