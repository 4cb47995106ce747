// What a node runtime reports (protocol.ts), folded into the cluster's world: events for the page,
// observations for the live checker, messages for the bus, answers for waiting clients. One fold
// for both hosts, so the lab's worker reports and the simulator's in-process ones become the same
// events in the same order.
import type { MessageBase } from '../raft/types.ts';
import type { Observation } from '../check/observations.ts';
import type { UnstampedEvent } from '../protocol/events.ts';
import type { ClientOutcome, NodeReport, ReadyReport } from './protocol.ts';

export interface ReportSinks {
  emit(event: UnstampedEvent): void;
  observe(observations: readonly Observation[]): void;
  /** Messages for the bus to route. */
  send(messages: readonly MessageBase[]): void;
  /** Messages that travelled on a direct lane: the bus records them (the lab only). */
  record(messages: readonly MessageBase[]): void;
  resolve(requestId: number, outcome: ClientOutcome): void;
  /** What a report cost on disk, for /metrics and the benchmarks. */
  persisted(node: string, persisted: NonNullable<ReadyReport['persisted']>): void;
  /** A report from a node that says it leads (the membership controller reconciles then). */
  leaderReported(): void;
}

export function foldReport(node: string, report: NodeReport, sinks: ReportSinks): void {
  switch (report.type) {
    case 'recovered':
      sinks.emit({ type: 'node-recovered', node, log: [...report.log], term: report.term, vote: report.vote, tornTail: report.tornTail, snapshotIndex: report.snapshotIndex });
      sinks.emit({ type: 'node-disk', node, disk: report.disk });
      sinks.emit({ type: 'node-status', node, status: report.status });
      sinks.observe([report.observation]);
      return;
    case 'fatal':
      sinks.emit({ type: 'node-failed', node, reason: report.error.split('\n')[0] ?? report.error });
      return;
    case 'ready':
      sinks.observe(report.observations);
      if (report.truncatedFrom !== undefined) sinks.emit({ type: 'log-truncated', node, fromIndex: report.truncatedFrom });
      if (report.appended.length > 0) sinks.emit({ type: 'log-appended', node, entries: [...report.appended] });
      for (const snapshot of report.snapshots) sinks.emit({ type: 'snapshot', node, ...snapshot });
      if (report.kvReset) sinks.emit({ type: 'kv-reset', node, reason: report.kvReset });
      for (const applied of report.applied) sinks.emit({ type: 'kv-applied', node, ...applied });
      if (report.status) sinks.emit({ type: 'node-status', node, status: report.status });
      if (report.disk) sinks.emit({ type: 'node-disk', node, disk: report.disk });
      if (report.persisted) sinks.persisted(node, report.persisted);
      if (report.received) sinks.record(report.received);
      if (report.messages.length > 0) sinks.send(report.messages);
      for (const { requestId, outcome } of report.outcomes) sinks.resolve(requestId, outcome);
      if (report.status?.role === 'leader') sinks.leaderReported();
      return;
  }
}
