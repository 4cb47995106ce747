// etcd's metric names (etcd server/etcdserver/metrics.go, server/storage/wal/metrics.go,
// rafthttp/metrics.go) where the lab's meaning is the same, so etcd's published dashboards and
// alerts work unchanged. Each carries `cluster` and `node`, since one server runs many members.
// etcd declares proposals_committed_total and proposals_applied_total as gauges (set to the
// indexes); here they are counters with the same values, since promtool's lint refuses `_total` on
// a gauge. They restart with the node, as etcd's do with the process.
import { Histogram, exponentialBuckets, type Registry } from 'prom-client';
import type { LabSession } from '../cluster-registry.ts';
import type { ClusterTracker } from './cluster-tracker.ts';
import { readCounter, readGauge, type Emit } from './read-metrics.ts';
import type { NodeView } from '../../shared/protocol/views.ts';

export interface EtcdHistograms {
  readonly fsync: Histogram<'cluster' | 'node'>;
  readonly roundTrip: Histogram<'cluster' | 'node' | 'To'>;
}

type Source = () => ReadonlyArray<{ readonly session: LabSession; readonly tracker: ClusterTracker | undefined }>;

export function registerEtcdMetrics(registry: Registry, sources: Source): EtcdHistograms {
  const perNode = (value: (node: NodeView, tracker: ClusterTracker | undefined) => number) => (emit: Emit) => {
    for (const { session, tracker } of sources()) {
      for (const node of session.cluster.view.nodes) emit({ cluster: session.name, node: node.id }, value(node, tracker));
    }
  };
  const labelNames = ['cluster', 'node'];
  const alive = (node: NodeView): boolean => node.life === 'alive';

  readGauge(registry, { name: 'etcd_server_has_leader', help: 'Whether or not a leader exists (as the node knows it). 1 is existence, 0 is not.', labelNames, read: perNode((node) => (alive(node) && node.leader !== null ? 1 : 0)) });
  readGauge(registry, { name: 'etcd_server_is_leader', help: 'Whether or not this member is a leader. 1 if is, 0 otherwise.', labelNames, read: perNode((node) => (alive(node) && node.role === 'leader' ? 1 : 0)) });
  readCounter(registry, { name: 'etcd_server_leader_changes_seen_total', help: 'The number of leader changes seen (since the server started).', labelNames, read: perNode((node, tracker) => tracker?.leaderChanges.get(node.id) ?? 0) });
  readCounter(registry, { name: 'etcd_server_proposals_committed_total', help: 'The total number of consensus proposals committed (the node\'s commit index).', labelNames, read: perNode((node) => node.commit) });
  readCounter(registry, { name: 'etcd_server_proposals_applied_total', help: 'The total number of consensus proposals applied (the node\'s applied index).', labelNames, read: perNode((node) => node.applied) });
  readGauge(registry, { name: 'etcd_server_proposals_pending', help: 'The current number of pending proposals to commit: entries in the node\'s log past its commit index.', labelNames, read: perNode((node) => Math.max(0, node.lastIndex - node.commit)) });
  readCounter(registry, {
    name: 'etcd_server_proposals_failed_total',
    help: 'The total number of failed proposals seen: client writes through the node that did not commit (no leader, no quorum, timed out).',
    labelNames,
    read: (emit) => {
      for (const { session, tracker } of sources()) {
        const nodes = new Set([...session.cluster.view.nodes.map((node) => node.id), ...(tracker?.failedProposals.keys() ?? [])]);
        for (const node of nodes) emit({ cluster: session.name, node }, tracker?.failedProposals.get(node) ?? 0);
      }
    },
  });
  return {
    fsync: new Histogram({
      name: 'etcd_disk_wal_fsync_duration_seconds',
      help: 'The latency distributions of fsync called by WAL (one fdatasync per persisted batch).',
      labelNames: ['cluster', 'node'],
      buckets: exponentialBuckets(0.001, 2, 14),
      registers: [registry],
    }),
    roundTrip: new Histogram({
      name: 'etcd_network_peer_round_trip_time_seconds',
      help: 'Round-Trip-Time histogram between peers: a heartbeat to its answer, in the cluster\'s clock.',
      labelNames: ['cluster', 'node', 'To'],
      buckets: exponentialBuckets(0.0001, 2, 14),
      registers: [registry],
    }),
  };
}
