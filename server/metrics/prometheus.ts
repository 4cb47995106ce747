// /metrics in the Prometheus text format, through prom-client: etcd's names where the meaning is
// the same (etcd-metrics.ts), the lab's own as raftlab_* (lab-metrics.ts). Values are read from the
// clusters at scrape time; what must be counted as it happens (messages, leader changes, failed
// proposals, fsync and round-trip latencies) is counted per cluster by a ClusterTracker.
import { Registry } from 'prom-client';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import type { LiveServer } from '../live/live-server.ts';
import { ClusterTracker } from './cluster-tracker.ts';
import { registerEtcdMetrics, type EtcdHistograms } from './etcd-metrics.ts';
import { registerLabMetrics } from './lab-metrics.ts';

export class MetricsCollector {
  private readonly registry = new Registry();
  private readonly trackers = new Map<LabSession, ClusterTracker>();
  /** Histogram series each cluster made, removed with the cluster. */
  private readonly series = new Map<LabSession, { fsync: Set<string>; roundTrip: Set<string> }>();
  private readonly histograms: EtcdHistograms;
  /** Events of clusters that were removed, so the server total never goes backwards. */
  private removedEvents = 0;

  constructor(
    private readonly clusters: ClusterRegistry,
    live: () => LiveServer | null,
  ) {
    const sources = () => this.clusters.all().map((session) => ({ session, tracker: this.trackers.get(session) }));
    this.histograms = registerEtcdMetrics(this.registry, sources);
    registerLabMetrics(this.registry, {
      clusters: sources,
      totalNodes: () => this.clusters.totalNodes(),
      totalEvents: () => this.removedEvents + this.clusters.all().reduce((sum, session) => sum + session.cluster.events.total, 0),
      live,
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  watch(session: LabSession): void {
    const made = { fsync: new Set<string>(), roundTrip: new Set<string>() };
    this.series.set(session, made);
    const cluster = session.name;
    this.trackers.set(
      session,
      new ClusterTracker(session, {
        fsync: (node, seconds) => {
          made.fsync.add(node);
          this.histograms.fsync.observe({ cluster, node }, seconds);
        },
        roundTrip: (node, to, seconds) => {
          made.roundTrip.add(`${node}>${to}`);
          this.histograms.roundTrip.observe({ cluster, node, To: to }, seconds);
        },
      }),
    );
  }

  forget(session: LabSession): void {
    this.trackers.get(session)?.stop();
    this.trackers.delete(session);
    const made = this.series.get(session);
    this.series.delete(session);
    for (const node of made?.fsync ?? []) this.histograms.fsync.remove({ cluster: session.name, node });
    for (const link of made?.roundTrip ?? []) {
      const [node, to] = link.split('>') as [string, string];
      this.histograms.roundTrip.remove({ cluster: session.name, node, To: to });
    }
    this.removedEvents += session.cluster.events.total;
  }

  /** The exposition text (prom-client's, version 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
