// Raft's safety properties (Figure 3 of the paper, plus durability and single vote) checked on
// every observation. The monitor keeps its own copy of each node's durable log and never looks
// inside the core, so it can judge any implementation — including one with a bug switch on.
import { NodeLog } from './node-log.ts';
import type { InvariantName, NodeId, Observation, ObservedEntry, ObservedRole, Violation } from './observations.ts';

const MAX_VIOLATIONS = 100;
/** Forget per-index history once every live node's snapshot has moved this far past it. */
const PRUNE_STEP = 1000;

interface TermRecord {
  readonly term: number;
  readonly data: string;
  /** Term of the entry before it in the log that stored it; undefined when compacted away. */
  readonly prevTerm: number | undefined;
}

export class InvariantMonitor {
  private readonly logs = new Map<NodeId, NodeLog>();
  private readonly roles = new Map<NodeId, { role: ObservedRole; term: number }>();
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly hardStates = new Map<NodeId, { term: number; vote: NodeId | null; commit: number }>();
  private readonly commitSeen = new Map<NodeId, number>();
  /** Committed entries, each with (an upper bound of) the term in which it was committed: the
   *  term of the first node that reported it. Leader Completeness binds leaders of LATER terms. */
  private readonly committed = new Map<number, { entry: ObservedEntry; commitTerm: number }>();
  private readonly appliedAt = new Map<number, { node: NodeId; entry: ObservedEntry }>();
  /** (index, term) → what every log holding that pair must agree on (Log Matching). */
  private readonly pairs = new Map<number, TermRecord[]>();
  private readonly down = new Set<NodeId>();
  private readonly found: Violation[] = [];
  private readonly reported = new Set<string>();
  private step = -1;
  /** Indexes below this were forgotten: every node's snapshot covers them (see prune()). */
  private prunedBelow = 1;

  constructor(private readonly onViolation?: (violation: Violation) => void) {}

  get violations(): readonly Violation[] {
    return this.found;
  }

  /** Highest index every entry up to which is known committed. */
  get committedIndex(): number {
    let index = this.prunedBelow - 1;
    while (this.committed.has(index + 1)) index++;
    return index;
  }

  committedEntry(index: number): ObservedEntry | undefined {
    return this.committed.get(index)?.entry;
  }

  leaderOf(term: number): NodeId | undefined {
    return this.leaderOfTerm.get(term);
  }

  /** Sizes of what the monitor holds, for a soak's memory report. */
  get held(): { readonly indexes: number; readonly logEntries: number; readonly prunedBelow: number } {
    let logEntries = 0;
    for (const log of this.logs.values()) logEntries += log.entries.length;
    return { indexes: this.committed.size + this.appliedAt.size + this.pairs.size, logEntries, prunedBelow: this.prunedBelow };
  }

  /**
   * Drops everything known about a node that no longer exists (a wiped node's old generation): its
   * durable state is gone on purpose, and its stale snapshot point would stop pruning for good.
   */
  forget(node: NodeId): void {
    this.logs.delete(node);
    this.roles.delete(node);
    this.hardStates.delete(node);
    this.commitSeen.delete(node);
    this.down.delete(node);
    this.prune();
  }

  /** Feeds one observation; returns the violations it revealed (also kept in `violations`). */
  observe(o: Observation): Violation[] {
    this.step++;
    const before = this.found.length;
    switch (o.kind) {
      case 'role':
        this.onRole(o.node, o.term, o.role);
        break;
      case 'hard-state':
        this.onHardState(o.node, o.term, o.vote, o.commit);
        break;
      case 'append':
        this.onAppend(o.node, o.entries);
        break;
      case 'snapshot':
        this.onSnapshot(o.node, o.index, o.term);
        break;
      case 'commit':
        this.onCommit(o.node, o.commit);
        break;
      case 'apply':
        this.onApply(o.node, o.entry);
        break;
      case 'crash':
        this.down.add(o.node);
        this.roles.delete(o.node);
        break;
      case 'restart':
        this.onRestart(o);
        break;
    }
    return this.found.slice(before);
  }

  private log(node: NodeId): NodeLog {
    let log = this.logs.get(node);
    if (log === undefined) {
      log = new NodeLog();
      this.logs.set(node, log);
    }
    return log;
  }

  private onRole(node: NodeId, term: number, role: ObservedRole): void {
    this.roles.set(node, { role, term });
    if (role !== 'leader') return;
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== node) {
      this.report('election-safety', `term-${term}`, `Two leaders in term ${term}: ${other} and ${node}. Raft allows at most one leader per term, because each node votes once per term and a leader needs a majority; two majorities always share a node.`, { term, leaders: [other, node] });
      return;
    }
    this.leaderOfTerm.set(term, node);
    // Leader Completeness: every entry committed in an earlier term must be in the new leader's log.
    // (A leader of an older term may still be elected late, from votes delayed in flight; it is not
    // bound by what a later term committed.)
    const log = this.log(node);
    for (const { entry, commitTerm } of this.committed.values()) {
      if (commitTerm < term && !this.holds(log, entry)) {
        this.missingCommitted(node, term, entry, log);
        return;
      }
    }
  }

  private onHardState(node: NodeId, term: number, vote: NodeId | null, commit: number): void {
    const previous = this.hardStates.get(node);
    if (previous !== undefined) {
      if (term < previous.term) {
        this.report('single-vote', `term-back-${node}-${term}`, `${node} stored term ${term} after term ${previous.term}. A node's term must never go back, or it could vote again in a term where it already voted.`, { node, term, previousTerm: previous.term });
      } else if (term === previous.term && previous.vote !== null && vote !== previous.vote) {
        this.report('single-vote', `vote-${node}-${term}`, `${node} voted for ${previous.vote} and then for ${vote ?? 'nobody'} in the same term ${term}. One vote per term is what makes two leaders in one term impossible.`, { node, term, firstVote: previous.vote, secondVote: vote });
      }
    }
    this.hardStates.set(node, { term, vote, commit });
    this.onCommit(node, commit);
  }

  private onAppend(node: NodeId, entries: readonly ObservedEntry[]): void {
    const log = this.log(node);
    const fresh = entries.filter((e) => e.index > log.snapshotIndex);
    const first = fresh[0];
    if (first === undefined) return;
    if (first.index > log.lastIndex + 1) {
      this.report('log-matching', `gap-${node}-${first.index}`, `${node} stored entry ${first.index} while its log ends at ${log.lastIndex}: a log must not have holes, or "same index and term" would no longer imply "same log before it".`, { node, index: first.index, lastIndex: log.lastIndex });
      return;
    }
    const removed = log.truncateFrom(first.index);
    const changed = removed.filter((old) => {
      const replacement = fresh[old.index - first.index];
      return replacement === undefined || replacement.term !== old.term || replacement.data !== old.data;
    });
    const role = this.roles.get(node);
    if (changed.length > 0 && role?.role === 'leader') {
      const lost = changed[0]!;
      this.report('leader-append-only', `append-only-${node}-${role.term}`, `Leader ${node} (term ${role.term}) removed or overwrote entry ${lost.index} (term ${lost.term}) in its own log. A leader only appends; followers are the ones that give way.`, { node, term: role.term, index: lost.index, entryTerm: lost.term });
    }
    // Overwriting a committed entry is wrong only for a node in a term after the commit: a node
    // left behind in an older term may still follow that term's leader for a while.
    const nodeTerm = this.termOf(node);
    for (const old of changed) {
      const known = this.committed.get(old.index);
      if (known !== undefined && same(known.entry, old) && nodeTerm > known.commitTerm) {
        this.report('leader-completeness', `erased-${old.index}`, `${node} erased committed entry ${old.index} (term ${old.term}) because a leader sent a different one. That leader should never have been elected: a committed entry is in every later leader's log.`, { node, index: old.index, term: old.term });
        break;
      }
    }
    for (const entry of fresh) {
      this.checkPair(node, entry, log.termAt(entry.index - 1));
      log.entries.push(entry);
    }
  }

  private checkPair(node: NodeId, entry: ObservedEntry, prevTerm: number | undefined): void {
    if (entry.index < this.prunedBelow) return; // every live node compacted it: nothing to compare with
    let records = this.pairs.get(entry.index);
    if (records === undefined) {
      records = [];
      this.pairs.set(entry.index, records);
    }
    const known = records.find((r) => r.term === entry.term);
    if (known === undefined) {
      records.push({ term: entry.term, data: entry.data, prevTerm });
      return;
    }
    if (known.data !== entry.data) {
      this.report('log-matching', `pair-${entry.index}-${entry.term}`, `Two different entries have index ${entry.index} and term ${entry.term} (one of them in ${node}'s log). Only the leader of a term creates entries for it, once per index, so index and term identify an entry.`, { node, index: entry.index, term: entry.term, stored: known.data, other: entry.data });
    } else if (prevTerm !== undefined && known.prevTerm !== undefined && prevTerm !== known.prevTerm) {
      this.report('log-matching', `prev-${entry.index}-${entry.term}`, `${node}'s log agrees with another log at index ${entry.index} (term ${entry.term}) but not just before it (term ${prevTerm} vs ${known.prevTerm}). The AppendEntries consistency check is what guarantees logs that match at an entry match before it too.`, { node, index: entry.index, term: entry.term, prevTerm, otherPrevTerm: known.prevTerm });
    }
  }

  private onSnapshot(node: NodeId, index: number, term: number): void {
    const committedEntry = this.committed.get(index)?.entry;
    if (committedEntry !== undefined && committedEntry.term !== term) {
      this.report('state-machine-safety', `snapshot-${node}-${index}`, `${node} stored a snapshot ending at index ${index} term ${term}, but the entry committed at ${index} has term ${committedEntry.term}: its state machine would hold a different history.`, { node, index, term, committedTerm: committedEntry.term });
    }
    this.log(node).applySnapshot(index, term);
    this.prune();
  }

  /**
   * Keeps memory bounded on long runs (the live server feeds this monitor for hours): history of
   * indexes that every live node has compacted into a snapshot can no longer be compared against
   * any log, apply or election, so it is dropped. A node that is down does not hold the floor back
   * (a node killed and left for an afternoon would otherwise keep every index since): its own log
   * is kept, so its durability on restart is still judged in full, and what it commits or applies
   * below the floor afterwards is compared with nothing, as every live node compacted it.
   */
  private prune(): void {
    let floor = Infinity;
    for (const [node, log] of this.logs) if (!this.down.has(node)) floor = Math.min(floor, log.snapshotIndex);
    if (floor === Infinity || floor < this.prunedBelow + PRUNE_STEP) return;
    for (let index = this.prunedBelow; index < floor; index++) {
      this.committed.delete(index);
      this.appliedAt.delete(index);
      this.pairs.delete(index);
    }
    this.prunedBelow = floor;
  }

  private onCommit(node: NodeId, commit: number): void {
    const previous = this.commitSeen.get(node) ?? 0;
    if (commit <= previous) return;
    this.commitSeen.set(node, commit);
    const log = this.log(node);
    for (let index = Math.max(previous + 1, log.snapshotIndex + 1); index <= commit; index++) {
      const entry = log.entry(index);
      if (entry !== undefined) this.learnCommitted(node, entry);
    }
  }

  private learnCommitted(node: NodeId, entry: ObservedEntry): void {
    if (entry.index < this.prunedBelow) return; // forgotten (prune()); kept, it would never go
    const commitTerm = this.termOf(node);
    const known = this.committed.get(entry.index);
    if (known !== undefined) {
      if (!same(known.entry, entry)) {
        this.report('state-machine-safety', `commit-${entry.index}`, `Two nodes committed different entries at index ${entry.index}: term ${known.entry.term} and term ${entry.term} (seen on ${node}). They will apply different commands at the same position, so their states diverge.`, { node, index: entry.index, terms: [known.entry.term, entry.term] });
      } else if (commitTerm < known.commitTerm) {
        known.commitTerm = commitTerm;
      }
      return;
    }
    this.committed.set(entry.index, { entry, commitTerm });
    for (const [leader, role] of this.roles) {
      if (role.role === 'leader' && role.term > commitTerm && !this.down.has(leader)) {
        const log = this.log(leader);
        if (!this.holds(log, entry)) this.missingCommitted(leader, role.term, entry, log);
      }
    }
  }

  private onApply(node: NodeId, entry: ObservedEntry): void {
    if (entry.index < this.prunedBelow) return; // forgotten (prune())
    const earlier = this.appliedAt.get(entry.index);
    if (earlier === undefined) {
      this.appliedAt.set(entry.index, { node, entry });
    } else if (!same(earlier.entry, entry)) {
      this.report('state-machine-safety', `apply-${entry.index}`, `${earlier.node} and ${node} applied different entries at index ${entry.index} (terms ${earlier.entry.term} and ${entry.term}). Every state machine must apply the same command at each index, or the replicas disagree about the data.`, { index: entry.index, nodes: [earlier.node, node], entries: [earlier.entry, entry] });
    }
  }

  private onRestart(o: Extract<Observation, { kind: 'restart' }>): void {
    const { node, hardState } = o;
    const before = this.log(node);
    const durable = new NodeLog();
    if (o.snapshot !== undefined) durable.applySnapshot(o.snapshot.index, o.snapshot.term);
    for (const entry of o.log) if (entry.index > durable.snapshotIndex) durable.entries.push(entry);

    for (const entry of before.entries) {
      if (durable.covered(entry.index)) continue;
      const kept = durable.entry(entry.index);
      if (kept !== undefined && same(kept, entry)) continue;
      const wasCommitted = this.committed.get(entry.index)?.entry;
      const committedText = wasCommitted !== undefined && same(wasCommitted, entry) ? 'committed ' : '';
      this.report('durability', `lost-${node}-${entry.index}`, `${node} restarted without ${committedText}entry ${entry.index} (term ${entry.term}), which it had made durable before the crash. What a node acknowledged must survive a crash, or a majority that "stored" an entry may no longer hold it.`, { node, index: entry.index, term: entry.term, committed: committedText !== '' });
      break;
    }
    const previous = this.hardStates.get(node);
    if (previous !== undefined && (hardState.term < previous.term || (hardState.term === previous.term && previous.vote !== null && hardState.vote !== previous.vote))) {
      this.report('durability', `hard-state-${node}-${previous.term}`, `${node} restarted with term ${hardState.term} and vote ${hardState.vote ?? 'none'}, but had stored term ${previous.term} and vote ${previous.vote ?? 'none'}. Losing the vote lets a node vote twice in one term.`, { node, restored: hardState, stored: previous });
    }
    this.logs.set(node, durable);
    this.hardStates.set(node, { ...hardState });
    this.commitSeen.set(node, hardState.commit);
    this.roles.set(node, { role: 'follower', term: hardState.term });
    this.down.delete(node);
    this.prune();
  }

  /** The newest term a node is known to be in. */
  private termOf(node: NodeId): number {
    return Math.max(this.roles.get(node)?.term ?? 0, this.hardStates.get(node)?.term ?? 0);
  }

  /** Whether `log` holds `entry`, counting entries compacted into a snapshot as held. */
  private holds(log: NodeLog, entry: ObservedEntry): boolean {
    if (log.covered(entry.index)) return entry.index !== log.snapshotIndex || log.snapshotTerm === entry.term;
    const mine = log.entry(entry.index);
    return mine !== undefined && same(mine, entry);
  }

  private missingCommitted(node: NodeId, term: number, entry: ObservedEntry, log: NodeLog): void {
    const mine = log.entry(entry.index);
    const has = mine === undefined ? 'has no entry there' : `has term ${mine.term} there instead`;
    this.report('leader-completeness', `completeness-${node}-${term}-${entry.index}`, `${node} is leader of term ${term} but its log ${has}, while entry ${entry.index} (term ${entry.term}) is committed. A candidate only wins if its log is at least as up to date as a majority's, and that majority includes a node holding every committed entry.`, { node, term, index: entry.index, committedTerm: entry.term, leaderTerm: mine?.term ?? null });
  }

  private report(invariant: InvariantName, key: string, explanation: string, details: Record<string, unknown>): void {
    if (this.reported.has(key) || this.found.length >= MAX_VIOLATIONS) return;
    this.reported.add(key);
    const violation: Violation = { invariant, explanation, details, step: this.step };
    this.found.push(violation);
    this.onViolation?.(violation);
  }
}

function same(a: ObservedEntry, b: ObservedEntry): boolean {
  return a.index === b.index && a.term === b.term && a.data === b.data;
}
