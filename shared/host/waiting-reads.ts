// Linearizable (ReadIndex) reads waiting at a node, the same for the node runtime and the simulator:
// first for the leader to confirm its read index, then for the state machine to apply up to it.
import type { RaftReady } from '../raft/index.ts';
import type { NodeAnswers } from '../node/answers.ts';

type ReadAnswer = NodeAnswers['read'];

export interface WaitingRead {
  readonly requestId: number;
  /** The confirmed read index; null until the ReadIndex round answers. */
  index: number | null;
}

export type ReadOutcome =
  | { readonly ok: true; readonly value: ReadAnswer }
  | { readonly ok: false; readonly code: 'not-leader'; readonly leader: string | null; readonly error: string };

export interface ReadAnswers {
  push(answer: { requestId: number; outcome: ReadOutcome }): unknown;
}

/** A Ready's ReadIndex results: each confirmed read notes its index; a refused one fails now. */
export function takeReadStates(ready: Pick<RaftReady, 'readStates' | 'readFailures'>, reads: Map<string, WaitingRead>, leader: () => string | null, outcomes: ReadAnswers): void {
  for (const state of ready.readStates) {
    const read = reads.get(state.context);
    if (read) read.index = state.index;
  }
  for (const failure of ready.readFailures) {
    const read = reads.get(failure.context);
    if (!read) continue;
    reads.delete(failure.context);
    outcomes.push({ requestId: read.requestId, outcome: { ok: false, code: 'not-leader', leader: leader(), error: `read index refused: ${failure.reason}` } });
  }
}

/** Reads whose index the state machine has reached are answered, with `answer` and the index. */
export function serveReads<R extends WaitingRead>(reads: Map<string, R>, appliedIndex: number, answer: (read: R) => ReadAnswer, outcomes: ReadAnswers): void {
  for (const [context, read] of reads) {
    if (read.index === null || read.index > appliedIndex) continue;
    reads.delete(context);
    outcomes.push({ requestId: read.requestId, outcome: { ok: true, value: { ...answer(read), readIndex: read.index } } });
  }
}
