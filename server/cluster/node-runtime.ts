// One Raft node with its disk and its state machine: the host loop of shared/raft/types.ts.
// Runs inside the node's worker thread; the worker file only pumps messages in and reports out.
import { RawNode, mulberry32, type Message } from '../../shared/raft/index.ts';
import type { Entry, Ready } from '../../shared/raft/types.ts';
import { KvStore } from '../../shared/kv/store.ts';
import type { NodeStatus } from '../../shared/protocol/views.ts';
import { NodeStorage } from './storage/index.ts';
import { showValue, toEntryView } from './entry-view.ts';
import type { AppliedValue, ClientOutcome, ClientRequest, FromWorker, ReadyReport, WorkerInit } from './worker-protocol.ts';

interface PendingProposal {
  readonly requestId: number;
  readonly term: number;
}

export class NodeRuntime {
  private readonly raft: RawNode;
  private readonly storage: NodeStorage;
  private kv: KvStore;
  private lastStoredIndex: number;
  /** Proposals waiting for their entry to be applied, by log index. */
  private readonly pending = new Map<number, PendingProposal>();
  private lastStatus: NodeStatus | undefined;
  /** Outcomes decided outside a Ready (e.g. refused proposals), reported with the next report. */
  private readonly earlyOutcomes: { requestId: number; outcome: ClientOutcome }[] = [];

  constructor(
    private readonly init: WorkerInit,
    private readonly report: (message: FromWorker) => void,
  ) {
    const { storage, restored, recovery } = NodeStorage.open(init.dir);
    this.storage = storage;
    this.kv = restored.snapshot ? KvStore.restore(restored.snapshot.data) : new KvStore();
    this.lastStoredIndex = restored.entries.at(-1)?.index ?? restored.snapshot?.metadata.index ?? 0;
    this.raft = new RawNode(
      {
        id: init.id,
        initialConfig: init.initialConfig,
        electionTicks: init.timing.electionTicks,
        heartbeatTicks: init.timing.heartbeatTicks,
        random: mulberry32(init.seed),
      },
      restored,
    );
    const torn = recovery.tornTail;
    this.report({
      type: 'recovered',
      log: restored.entries.slice(-200).map(toEntryView),
      term: restored.hardState.term,
      vote: restored.hardState.vote,
      tornTail: torn ? `${torn.segment}: cut ${torn.bytesTruncated} bytes at offset ${torn.offset} (${torn.reason})` : null,
      status: this.status(),
    });
    this.lastStatus = this.status();
  }

  tick(ticks: number): void {
    for (let i = 0; i < ticks; i++) this.raft.tick();
    this.drain();
  }

  deliver(message: Message): void {
    this.raft.step(message);
    this.drain();
  }

  client(request: ClientRequest): void {
    if (request.kind === 'read') {
      const entry = this.kv.get(request.key);
      this.earlyOutcomes.push({
        requestId: request.requestId,
        outcome: { ok: true, value: entry ? { value: entry.data === null ? null : showValue(entry.data), version: entry.version } : { value: null, version: 0 } },
      });
    } else {
      const outcome = this.raft.propose(request.command);
      if (outcome.ok) this.pending.set(outcome.index, { requestId: request.requestId, term: outcome.term });
      else {
        const leader = 'leaderHint' in outcome ? (outcome.leaderHint ?? null) : null;
        this.earlyOutcomes.push({
          requestId: request.requestId,
          outcome: { ok: false, code: 'not-leader', leader, error: `${this.init.id} is not the leader (${outcome.reason})` },
        });
      }
    }
    this.drain();
  }

  /** Runs the host loop until the core has nothing more to do, then sends one report. */
  private drain(): void {
    const appended: ReturnType<typeof toEntryView>[] = [];
    const applied: AppliedValue[] = [];
    const messages: Message[] = [];
    const outcomes = this.earlyOutcomes.splice(0);
    let truncatedFrom: number | undefined;
    const persisted = { batches: 0, entries: 0, fsyncMs: 0 };

    while (this.raft.hasReady()) {
      const ready = this.raft.ready();
      if (ready.sendBeforePersist) messages.push(...(ready.messages as Message[]));
      const first = ready.entries[0];
      if (first && first.index <= this.lastStoredIndex) {
        truncatedFrom = Math.min(truncatedFrom ?? Infinity, first.index);
        // Entries we had appended in this batch from there on are replaced too.
        while (appended.length > 0 && appended.at(-1)!.index >= first.index) appended.pop();
      }
      if (ready.entries.length > 0 || ready.hardState || ready.snapshot) {
        const stats = this.storage.persist({ entries: ready.entries, hardState: ready.hardState, snapshot: ready.snapshot });
        persisted.batches += 1;
        persisted.entries += ready.entries.length;
        persisted.fsyncMs += stats.fsyncMs;
      }
      if (ready.snapshot) this.kv = KvStore.restore(ready.snapshot.data);
      const last = ready.entries.at(-1);
      if (last) this.lastStoredIndex = last.index;
      else if (ready.snapshot) this.lastStoredIndex = Math.max(this.lastStoredIndex, ready.snapshot.metadata.index);
      appended.push(...ready.entries.map(toEntryView));
      if (!ready.sendBeforePersist) messages.push(...(ready.messages as Message[]));
      this.apply(ready, applied, outcomes);
      this.raft.advance(ready);
    }

    const status = this.status();
    const statusChanged = !sameStatus(status, this.lastStatus);
    if (!statusChanged && appended.length === 0 && applied.length === 0 && messages.length === 0 && outcomes.length === 0) return;
    this.lastStatus = status;
    const report: ReadyReport = {
      type: 'ready',
      ...(statusChanged ? { status } : {}),
      ...(truncatedFrom !== undefined ? { truncatedFrom } : {}),
      appended,
      applied,
      messages,
      outcomes,
      persisted: persisted.batches > 0 ? persisted : null,
    };
    this.report(report);
  }

  private apply(ready: Ready, applied: AppliedValue[], outcomes: { requestId: number; outcome: ClientOutcome }[]): void {
    for (const entry of ready.committedEntries) {
      if (entry.index <= this.kv.appliedIndex) continue;
      const waiting = this.pending.get(entry.index);
      this.pending.delete(entry.index);
      if (entry.type !== 'normal') {
        this.kv.skip(entry.index);
        if (waiting) outcomes.push({ requestId: waiting.requestId, outcome: lostOutcome(entry) });
        continue;
      }
      const result = this.kv.apply(entry.index, entry.data);
      if (result.ok) {
        const now = this.kv.get(result.key);
        applied.push({ index: entry.index, key: result.key, value: now?.data ? showValue(now.data) : null, version: result.version });
      }
      if (!waiting) continue;
      if (waiting.term !== entry.term) {
        // Another leader's entry took our index: ours can never commit.
        outcomes.push({ requestId: waiting.requestId, outcome: lostOutcome(entry) });
      } else if (result.ok) {
        outcomes.push({ requestId: waiting.requestId, outcome: { ok: true, value: { index: entry.index, version: result.version, key: result.key } } });
      } else {
        const error = result.code === 'cas-mismatch' ? `check-and-set failed: expected version ${result.expected}, current is ${result.current}` : result.code;
        outcomes.push({ requestId: waiting.requestId, outcome: { ok: false, code: result.code === 'cas-mismatch' ? 'conflict' : 'bad-request', error } });
      }
    }
  }

  private status(): NodeStatus {
    const status = this.raft.status();
    return {
      role: status.role,
      term: status.term,
      vote: status.vote,
      leader: status.leader,
      commit: status.commit,
      applied: this.kv.appliedIndex,
      lastIndex: status.lastIndex,
    };
  }
}

function lostOutcome(entry: Entry): ClientOutcome {
  return { ok: false, code: 'lost', error: `index ${entry.index} was taken by term ${entry.term}: the proposal was overwritten before it committed` };
}

function sameStatus(a: NodeStatus, b: NodeStatus | undefined): boolean {
  return !!b && a.role === b.role && a.term === b.term && a.vote === b.vote && a.leader === b.leader && a.commit === b.commit && a.applied === b.applied && a.lastIndex === b.lastIndex;
}
