// What watches a cluster, for both hosts (the lab's cluster and the simulator's), made in one place:
// the live safety checker, whose violations (and its stop at its memory bound) become events; the
// liveness row; and the challenge row. Each host feeds the checker its nodes' observations and
// asks the liveness row on its own clock; the rest listens to the event log by itself.
import { ClusterChecker } from '../check/cluster-checker.ts';
import { challengeRow } from './challenge-row.ts';
import type { EventLog } from './event-log.ts';
import { livenessRow, type LivenessRow } from './liveness-row.ts';

/**
 * Past this many held indexes and log entries the live checker stops (about 200 bytes each). It
 * prunes as nodes compact, so a healthy cluster holds a few tens of thousands however long it runs.
 */
const MAX_CHECKER_HELD = 2_000_000;

export interface ClusterWatchOptions {
  /** One base election timeout, in virtual ms: the liveness row's unit. */
  readonly electionTimeoutMs: number;
}

export interface ClusterWatches {
  readonly checker: ClusterChecker;
  readonly liveness: LivenessRow;
}

export function clusterWatches(events: EventLog, options: ClusterWatchOptions): ClusterWatches {
  const checker = new ClusterChecker((violation) => events.emit({ type: 'violation', invariant: violation.invariant, explanation: violation.explanation }), {
    maxHeld: MAX_CHECKER_HELD,
    onStop: (why) => events.emit({ type: 'checker-stopped', explanation: why }),
  });
  const liveness = livenessRow(events, { electionTimeoutMs: options.electionTimeoutMs });
  challengeRow(events); // lives as long as the event log it listens to
  return { checker, liveness };
}
