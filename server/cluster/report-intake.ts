// What a node's worker reports, taken in on the main thread: events for the page, observations for
// the live checker, messages for the bus to record or route, answers for waiting clients, and the
// disk totals /metrics and the benchmarks read.
import { foldReport, type ReportSinks } from '../../shared/node/report-fold.ts';
import type { Bus } from '../../shared/host/bus.ts';
import type { EventLog } from '../../shared/host/event-log.ts';
import type { ClusterChecker } from '../../shared/check/cluster-checker.ts';
import type { Membership } from './membership.ts';
import type { NodeReport } from '../../shared/node/protocol.ts';
import type { WorkerRequests } from './worker-requests.ts';

export interface PersistTotals {
  fsyncBatches: number;
  entriesPersisted: number;
  fsyncMs: number;
}

/** What one report says it synced: batches (one fdatasync each), entries, and the time they took. */
export interface PersistedBatches {
  readonly batches: number;
  readonly entries: number;
  readonly fsyncMs: number;
}

/** fdatasync batches, entries and sync time: the cluster's, and each node's since the server started
 *  (across the node's incarnations). */
export class DiskTotals {
  readonly cluster: PersistTotals = { fsyncBatches: 0, entriesPersisted: 0, fsyncMs: 0 };
  readonly perNode = new Map<string, PersistTotals>();
  /** Told every report's batches as they come (the fsync latency histogram of /metrics). */
  private readonly listeners = new Set<(node: string, persisted: PersistedBatches) => void>();

  onPersisted(listener: (node: string, persisted: PersistedBatches) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(node: string, persisted: PersistedBatches): void {
    for (const listener of this.listeners) listener(node, persisted);
    let perNode = this.perNode.get(node);
    if (!perNode) this.perNode.set(node, (perNode = { fsyncBatches: 0, entriesPersisted: 0, fsyncMs: 0 }));
    for (const totals of [this.cluster, perNode]) {
      totals.fsyncBatches += persisted.batches;
      totals.entriesPersisted += persisted.entries;
      totals.fsyncMs += persisted.fsyncMs;
    }
  }
}

export interface ClusterParts {
  readonly events: EventLog;
  readonly checker: ClusterChecker;
  readonly bus: Bus;
  readonly requests: WorkerRequests;
  readonly membership: Membership;
  readonly disk: DiskTotals;
}

/** The lab's sinks for the shared report fold: made once per cluster, used for every report. */
export function reportIntake(parts: ClusterParts): (node: string, report: NodeReport) => void {
  const sinks: ReportSinks = {
    emit: (event) => void parts.events.emit(event),
    observe: (observations) => parts.checker.observe(observations),
    send: (messages) => parts.bus.send(messages),
    record: (messages) => parts.bus.record(messages),
    resolve: (requestId, outcome) => parts.requests.resolve(requestId, outcome),
    persisted: (node, persisted) => parts.disk.add(node, persisted),
    leaderReported: () => parts.membership.roster.reconcile(),
  };
  return (node, report) => foldReport(node, report, sinks);
}
