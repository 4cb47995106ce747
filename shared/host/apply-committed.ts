// Applying committed entries to the key-value store, the same for the node runtime (server/cluster)
// and the simulator (shared/sim): what each entry did to which key, which waiting client it answers
// and how, and what the live checker observes. One copy, so the lab and its simulator cannot come
// to disagree on what a commit means.
import type { Observation, ObservedEntry } from '../check/index.ts';
import type { KvRefused } from '../kv/results.ts';
import type { KvStore } from '../kv/store.ts';
import type { Entry } from '../raft/types.ts';
import { showValue } from './entry-view.ts';
import type { CommitAnswer } from '../node/answers.ts';

/** A proposal waiting for its entry to apply: the index it got, in the term it was proposed in. */
export interface PendingProposal {
  readonly requestId: number;
  readonly term: number;
}

/** A key as it is after an entry applied, for the page. */
export interface AppliedValue {
  readonly index: number;
  readonly key: string;
  /** null: the key's latest version is deleted. */
  readonly value: string | null;
  readonly version: number;
}

export type ApplyOutcome =
  | { readonly ok: true; readonly value: CommitAnswer }
  | { readonly ok: false; readonly code: 'lost' | 'conflict' | 'bad-request'; readonly error: string; readonly current?: number };

/** Where the results go (the host's own lists; its outcome type may be wider than ApplyOutcome). */
export interface ApplySink {
  readonly applied: { push(value: AppliedValue): unknown };
  readonly outcomes: { push(answer: { requestId: number; outcome: ApplyOutcome }): unknown };
  readonly observations: { push(observation: Observation): unknown };
}

/**
 * Applies `entries` (committed, in log order; ones already applied are skipped) to `kv`, answering
 * the proposals in `pending` whose entries they are. Returns true when an entry replaced the whole
 * store (a restore), so the host redraws it rather than key by key.
 */
export function applyCommitted(
  node: string,
  entries: readonly Entry[],
  kv: KvStore,
  pending: Map<number, PendingProposal>,
  observe: (entry: Entry) => ObservedEntry,
  sink: ApplySink,
): boolean {
  let restored = false;
  for (const entry of entries) {
    if (entry.index <= kv.appliedIndex) continue;
    sink.observations.push({ kind: 'apply', node, entry: observe(entry) });
    const waiting = pending.get(entry.index);
    pending.delete(entry.index);
    if (waiting && waiting.term !== entry.term) {
      // Another leader's entry took our index: ours can never commit.
      sink.outcomes.push({ requestId: waiting.requestId, outcome: { ok: false, code: 'lost', error: `index ${entry.index} was taken by term ${entry.term}: the proposal was overwritten before it committed` } });
    }
    const ours = waiting && waiting.term === entry.term ? waiting : undefined;
    if (entry.type !== 'normal') {
      kv.skip(entry.index);
      if (ours) sink.outcomes.push({ requestId: ours.requestId, outcome: { ok: true, value: { index: entry.index, term: entry.term } } });
      continue;
    }
    const result = kv.apply(entry.index, entry.data);
    if (result.ok && result.op === 'restore') restored = true;
    else if (result.ok) {
      const now = kv.get(result.key);
      sink.applied.push({ index: entry.index, key: result.key, value: now && now.data !== null ? showValue(now.data) : null, version: result.version });
    }
    if (!ours) continue;
    if (result.ok) {
      sink.outcomes.push({ requestId: ours.requestId, outcome: { ok: true, value: { index: entry.index, term: entry.term, key: result.key, version: result.version, op: result.op } } });
    } else if (result.code === 'cas-mismatch') {
      sink.outcomes.push({
        requestId: ours.requestId,
        outcome: { ok: false, code: 'conflict', error: `check-and-set parameter did not match the current version (asked ${result.expected}, current ${result.current})`, current: result.current },
      });
    } else {
      sink.outcomes.push({ requestId: ours.requestId, outcome: { ok: false, code: 'bad-request', error: refusalText(result) } });
    }
  }
  return restored;
}

/** What a client hears when the store refused its command. */
function refusalText(result: Exclude<KvRefused, { code: 'cas-mismatch' }>): string {
  switch (result.code) {
    case 'store-full':
      return `the store holds its limit of ${result.limit} keys; ${result.key} is not a new one it can take`;
    case 'version-limit':
      return `${result.key} is at version ${result.limit}, the highest a key reaches; write another key`;
    case 'stale-session':
      return `client ${result.client} already moved past seq ${result.seq} (at ${result.lastSeq}); the answer to it is forgotten`;
    default:
      return result.message;
  }
}

/** The most keys the page is sent when a store is replaced whole: it lists keys, it is no database. */
export const PAGE_KEYS = 2000;

/** Every key (up to PAGE_KEYS) as the page shows it, after the store was replaced. */
export function storeImage(kv: KvStore): AppliedValue[] {
  return kv.keys().slice(0, PAGE_KEYS).flatMap((key) => {
    const entry = kv.get(key);
    if (!entry || entry.data === null) return [];
    return [{ index: Math.max(1, kv.appliedIndex), key, value: showValue(entry.data), version: entry.version }];
  });
}
