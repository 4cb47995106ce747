// What a node's worker reports, taken in on the main thread: events for the page, observations for
// the live checker, messages for the bus to record or route, answers for waiting clients, and the
// disk totals /metrics and the benchmarks read.
import type { Bus } from './bus.ts';
import type { EventLog } from './event-log.ts';
import type { LiveChecker } from './live-checker.ts';
import type { Membership } from './membership.ts';
import type { FromWorker } from './worker-protocol.ts';
import type { WorkerRequests } from './worker-requests.ts';

export interface PersistTotals {
  fsyncBatches: number;
  entriesPersisted: number;
  fsyncMs: number;
}

/** fdatasync batches, entries and sync time: the cluster's, and each node's since the server started
 *  (across the node's incarnations). */
export class DiskTotals {
  readonly cluster: PersistTotals = { fsyncBatches: 0, entriesPersisted: 0, fsyncMs: 0 };
  readonly perNode = new Map<string, PersistTotals>();

  add(node: string, persisted: { readonly batches: number; readonly entries: number; readonly fsyncMs: number }): void {
    let perNode = this.perNode.get(node);
    if (!perNode) this.perNode.set(node, (perNode = { fsyncBatches: 0, entriesPersisted: 0, fsyncMs: 0 }));
    for (const totals of [this.cluster, perNode]) {
      totals.fsyncBatches += persisted.batches;
      totals.entriesPersisted += persisted.entries;
      totals.fsyncMs += persisted.fsyncMs;
    }
  }
}

export interface ReportSinks {
  readonly events: EventLog;
  readonly checker: LiveChecker;
  readonly bus: Bus;
  readonly requests: WorkerRequests;
  readonly membership: Membership;
  readonly disk: DiskTotals;
}

export function takeReport(node: string, report: FromWorker, sinks: ReportSinks): void {
  const { events, checker, bus } = sinks;
  switch (report.type) {
    case 'recovered':
      events.emit({ type: 'node-recovered', node, log: [...report.log], term: report.term, vote: report.vote, tornTail: report.tornTail, snapshotIndex: report.snapshotIndex });
      events.emit({ type: 'node-disk', node, disk: report.disk });
      events.emit({ type: 'node-status', node, status: report.status });
      checker.observe([report.observation]);
      return;
    case 'fatal':
      events.emit({ type: 'node-failed', node, reason: report.error.split('\n')[0] ?? report.error });
      return;
    case 'ready':
      checker.observe(report.observations);
      if (report.truncatedFrom !== undefined) events.emit({ type: 'log-truncated', node, fromIndex: report.truncatedFrom });
      if (report.appended.length > 0) events.emit({ type: 'log-appended', node, entries: [...report.appended] });
      for (const snapshot of report.snapshots) events.emit({ type: 'snapshot', node, ...snapshot });
      if (report.kvReset) events.emit({ type: 'kv-reset', node, reason: report.kvReset });
      for (const applied of report.applied) events.emit({ type: 'kv-applied', node, ...applied });
      if (report.status) events.emit({ type: 'node-status', node, status: report.status });
      if (report.disk) events.emit({ type: 'node-disk', node, disk: report.disk });
      if (report.persisted) sinks.disk.add(node, report.persisted);
      if (report.received) bus.record(report.received);
      if (report.messages.length > 0) bus.send(report.messages);
      for (const { requestId, outcome } of report.outcomes) sinks.requests.resolve(requestId, outcome);
      if (report.status?.role === 'leader') sinks.membership.roster.reconcile();
      return;
  }
}
