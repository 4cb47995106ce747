// A foreign node's optional state report: a message to `dest: "raftlab"` saying its role, term,
// vote, commit index and log (as terms: the lab never needs the commands). It lights up the ring's
// roles, the logs panel and the live invariant monitor as our own nodes' reports do, through the
// same report fold. A malformed one is said on the node's card and changes nothing.
import { z } from 'zod';
import type { Observation, ObservedEntry } from '../../shared/check/observations.ts';
import type { EntryView, NodeStatus } from '../../shared/protocol/views.ts';
import { nodeIdSchema, roleSchema } from '../../shared/protocol/schemas.ts';

/** Entries one report may carry; a longer log is reported as appended ranges. */
export const MAX_REPORTED_ENTRIES = 10_000;

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const terms = z.array(count).max(MAX_REPORTED_ENTRIES);

export const stateReportSchema = z
  .strictObject({
    type: z.literal('state'),
    msg_id: count.optional(),
    role: roleSchema,
    term: count,
    voted_for: nodeIdSchema.nullable(),
    commit_index: count,
    /** Whom it follows, if it knows. */
    leader: nodeIdSchema.nullable().optional(),
    /** The whole log: the term of entry 1, 2, … */
    log_terms: terms.optional(),
    /** Or a range: entries from index `from` on (replacing what the log held from there). */
    appended: z.strictObject({ from: count.min(1), terms }).optional(),
  })
  .refine((report) => !(report.log_terms && report.appended), 'give log_terms or appended, not both');
export type StateReport = z.infer<typeof stateReportSchema>;

/** What one report means for the lab: the node's status, new log entries, the monitor's observations. */
export interface ReportedState {
  readonly status: NodeStatus;
  /** Entries to show (log-appended replaces from the first one's index on), if the log changed. */
  readonly appended: readonly EntryView[];
  readonly truncatedFrom?: number;
  readonly observations: readonly Observation[];
}

/** Keeps what the node last said of its log, so a report of the same log changes nothing. */
export class ReportedLog {
  private terms: number[] = [];

  /** Folds a report in; the node's id goes into every observation. `voters` are the node ids its
   *  init named: Maelstrom's membership is fixed, and the lab's roster must see it as agreed. */
  fold(node: string, report: StateReport, voters: readonly string[]): ReportedState {
    const before = this.terms;
    let from = before.length + 1;
    if (report.log_terms) {
      from = firstDifference(before, report.log_terms);
      this.terms = [...report.log_terms];
    } else if (report.appended) {
      if (report.appended.from > before.length + 1) throw new Error(`appended from index ${report.appended.from}, but its log so far ends at ${before.length}`);
      from = report.appended.from;
      this.terms = [...before.slice(0, from - 1), ...report.appended.terms];
    }
    const fresh = this.terms.slice(from - 1).map((term, i): ObservedEntry => ({ index: from + i, term, data: `t${term}` }));
    const observations: Observation[] = [
      { kind: 'role', node, term: report.term, role: report.role },
      { kind: 'hard-state', node, term: report.term, vote: report.voted_for, commit: Math.min(report.commit_index, this.terms.length) },
    ];
    if (fresh.length > 0) observations.splice(1, 0, { kind: 'append', node, entries: fresh });
    const truncated = from <= before.length && this.terms.length < before.length;
    const lastTerm = this.terms.at(-1) ?? 0;
    const status: NodeStatus = {
      role: report.role,
      term: report.term,
      vote: report.voted_for,
      leader: report.leader ?? (report.role === 'leader' ? node : null),
      commit: report.commit_index,
      applied: report.commit_index,
      lastIndex: this.terms.length,
      lastTerm,
      snapshotIndex: 0,
      config: { voters: [...voters], learners: [], votersOutgoing: [] },
      progress: {},
      electionElapsed: 0,
      electionTimeout: 0,
      leaseReadSafe: false,
    };
    return {
      status,
      appended: fresh.map((entry) => ({ index: entry.index, term: entry.term, type: 'normal', summary: `term ${entry.term}` })),
      ...(truncated || (fresh.length > 0 && from <= before.length) ? { truncatedFrom: from } : {}),
      observations,
    };
  }

}

function firstDifference(before: readonly number[], after: readonly number[]): number {
  const shared = Math.min(before.length, after.length);
  for (let i = 0; i < shared; i++) if (before[i] !== after[i]) return i + 1;
  return shared + 1;
}
