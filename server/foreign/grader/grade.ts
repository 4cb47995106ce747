// Grades a node implementation on real processes: a cluster of it under a steady lin-kv load, a
// cold start, the fixed battery of faults (battery.ts), then the server's linearizability verdict
// over the whole history and the invariant monitor's findings (when the node reports its state).
// It measures time without a leader, operations per second and messages per operation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../../cluster/cluster.ts';
import { leaderOf } from '../../testing/temp-cluster.ts';
import { parseImplementation } from '../implementations.ts';
import { LinKvLoad } from './lin-kv-load.ts';
import { runBattery, until, withSpan, type CheckResult } from './battery.ts';
import { RecordingTape } from '../../../shared/protocol/recording-tape.ts';
import { HOW_TO_OPEN, writeFailureRecordings } from './failure-recordings.ts';

export interface GradeOptions {
  /** The command, as for --implementation (split without a shell). */
  readonly command: string;
  readonly nodes: 3 | 5;
  /** Real seconds each fault lasts once a write got through under it. */
  readonly phaseSeconds: number;
  /** Where a recording of each failed check is written (a folder of this run's); none: not written. */
  readonly recordDir?: string;
}

export interface GradeReport {
  readonly checks: readonly CheckResult[];
  /** The folder the failed checks' recordings went to, if any was written. */
  readonly recordings: string | null;
  readonly passed: number;
  readonly failed: number;
  readonly metrics: {
    readonly seconds: number;
    readonly operations: { readonly ok: number; readonly failed: number; readonly unknown: number };
    readonly operationsPerSecond: number;
    readonly messagesPerOperation: number | null;
    /** Real seconds with no leader known (null: the node sends no state reports). */
    readonly secondsWithoutLeader: number | null;
  };
}

/** Bound on a cold start and on a write getting through after a fault. */
const RECOVER_MS = 15_000;

export async function grade(options: GradeOptions): Promise<GradeReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'raftlab-grade-'));
  const cluster = new Cluster({ name: 'grade', nodes: options.nodes, profile: 'production', dataDir, implementation: parseImplementation(`graded=${options.command}`) });
  const started = performance.now();
  const leaderless = leaderlessTime(cluster);
  // Every event of the run, from before the first: each failed check's recording is cut from it.
  const tape = new RecordingTape(cluster.view);
  cluster.events.subscribe((event) => tape.append([event]));
  cluster.start();
  const load = new LinKvLoad(cluster);
  const checks: CheckResult[] = [];
  try {
    const alive = await until(cluster, (view) => view.nodes.length === options.nodes && view.nodes.every((node) => node.life === 'alive'), RECOVER_MS);
    if (!alive) checks.push({ name: 'cold start', outcome: 'failed', span: { fromSeq: 0, toSeq: cluster.view.seq }, failedAt: cluster.clock.now(), detail: `not every node answered init within ${RECOVER_MS / 1000} s: ${cluster.view.nodes.map((n) => `${n.id} ${n.life}${n.reason ? ` (${n.reason.split('\n')[0]})` : ''}`).join(', ')}` });
    const wrote = alive && (await until(cluster, () => load.lastWrite > 0, RECOVER_MS));
    const reports = cluster.view.nodes.some((node) => node.term > 0 || node.role !== 'follower');
    if (alive) {
      checks.push(
        wrote
          ? { name: 'cold start', outcome: 'passed', detail: `a write got through after ${((load.lastWrite - started) / 1000).toFixed(1)} s${reports ? `, ${leaderOf(cluster.view) ?? 'no node'} leading` : ''}` }
          : withSpan(cluster, 0, { name: 'cold start', outcome: 'failed', detail: `no write was acknowledged within ${RECOVER_MS / 1000} s of the start` }),
      );
    }
    if (wrote) checks.push(...(await runBattery({ cluster, load, phaseMs: options.phaseSeconds * 1000, recoverMs: RECOVER_MS }, reports)));
    await load.stop();
    // The whole run's checks: their stretch is the run, their moment what failed first.
    checks.push(withSpan(cluster, 0, linearizability(cluster)));
    const [firstViolation] = cluster.view.violations;
    checks.push(withSpan(cluster, 0, !reports
        ? { name: 'invariants', outcome: 'skipped', detail: 'no node reported a term above 0 or a role beyond follower (state reports: see the README), so the monitor has nothing to check' }
        : cluster.view.violations.length === 0
          ? { name: 'invariants', outcome: 'passed', detail: 'election safety, one vote per term, log matching, leader completeness held throughout' }
          : { name: 'invariants', outcome: 'failed', failedAt: firstViolation!.time, detail: cluster.view.violations.map((v) => `${v.invariant}: ${v.explanation}`).join('\n') },
    ));
    const recordDir = options.recordDir ? join(options.recordDir, new Date().toISOString().replace(/[:.]/g, '-')) : null;
    const recorded = recordDir ? writeFailureRecordings(tape, checks, recordDir, options.command) : checks;
    const seconds = (performance.now() - started) / 1000;
    const ok = load.totals.ok;
    return {
      checks: recorded.map(({ span: _span, ...check }) => check),
      recordings: recorded.some((check) => check.recording) ? recordDir : null,
      passed: checks.filter((check) => check.outcome === 'passed').length,
      failed: checks.filter((check) => check.outcome === 'failed').length,
      metrics: {
        seconds,
        operations: { ...load.totals },
        operationsPerSecond: ok / seconds,
        messagesPerOperation: ok > 0 ? cluster.bus.counters.sent / ok : null,
        secondsWithoutLeader: reports ? leaderless() / 1000 : null,
      },
    };
  } finally {
    await load.stop();
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function linearizability(cluster: Cluster): CheckResult {
  const verdict = cluster.clientHistory.verdict();
  if (verdict.kind === 'empty') {
    const detail = verdict.unseenKeys.length > 0 ? `the history outgrew what the server keeps, and no key was seen whole (${verdict.unseenKeys.join(', ')})` : 'no operation completed';
    return { name: 'linearizable', outcome: verdict.unseenKeys.length > 0 ? 'skipped' : 'failed', detail };
  }
  if (verdict.kind === 'error') return { name: 'linearizable', outcome: 'failed', detail: verdict.message };
  const { result } = verdict;
  if (result.verdict === 'linearizable') return { name: 'linearizable', outcome: 'passed', detail: `${verdict.operations} operations, one order explains every answer` };
  if (result.verdict === 'undetermined') return { name: 'linearizable', outcome: 'skipped', detail: `undetermined: ${result.reason}` };
  // The moment no order could explain any more: the last of the smallest bad history's answers.
  const failedAt = Math.max(...result.minimalBadHistory.map((op) => op.return ?? op.call));
  return { name: 'linearizable', outcome: 'failed', failedAt, detail: result.explanation };
}

/** Real ms with no live leader, from the cluster's events (counting from the start). */
function leaderlessTime(cluster: Cluster): () => number {
  let total = 0;
  let since: number | null = performance.now();
  cluster.events.subscribe(() => {
    const leading = leaderOf(cluster.view) !== null;
    if (leading && since !== null) {
      total += performance.now() - since;
      since = null;
    } else if (!leading && since === null) since = performance.now();
  });
  return () => total + (since === null ? 0 : performance.now() - since);
}

/** The report card: one line per check, the measures, and `N passed, N failed`. */
export function formatReport(report: GradeReport): string {
  const mark = { passed: '✓', failed: '✗', skipped: '–' } as const;
  const lines = report.checks.map((check) => `${mark[check.outcome]} ${check.name}: ${check.detail.split('\n').join('\n    ')}${check.recording ? `\n    recording: ${check.recording}` : ''}`);
  const m = report.metrics;
  lines.push(
    '',
    `${m.operations.ok} operations ok, ${m.operations.failed} failed, ${m.operations.unknown} unknown in ${m.seconds.toFixed(1)} s: ${m.operationsPerSecond.toFixed(1)} ops/s` +
      `${m.messagesPerOperation === null ? '' : `, ${m.messagesPerOperation.toFixed(1)} messages per operation`}` +
      `${m.secondsWithoutLeader === null ? '' : `, ${m.secondsWithoutLeader.toFixed(1)} s without a leader`}`,
    ...(report.recordings ? [`Recordings of the failed checks are in ${report.recordings}: ${HOW_TO_OPEN}.`] : []),
    `${report.passed} passed, ${report.failed} failed`,
  );
  return lines.join('\n');
}
