// Messages between the main thread and one node's worker. Both ends are our code, so these are
// typed rather than validated; everything from outside is validated before it gets this far.
import type { MessageBase, MembershipConfig } from '../../shared/raft/types.ts';
import type { EntryView, NodeStatus } from '../../shared/protocol/views.ts';

export interface RaftTiming {
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
}

export interface WorkerInit {
  readonly id: string;
  readonly dir: string;
  readonly timing: RaftTiming;
  /** Membership used only if the node's disk is empty (first boot of a fresh cluster). */
  readonly initialConfig: MembershipConfig;
  /** Seeds this incarnation's PRNG (randomized election timeouts). */
  readonly seed: number;
}

export type ClientRequest =
  | { readonly kind: 'propose'; readonly requestId: number; readonly command: string }
  | { readonly kind: 'read'; readonly requestId: number; readonly key: string };

export type ToWorker =
  | { readonly type: 'tick'; readonly ticks: number }
  | { readonly type: 'deliver'; readonly message: MessageBase }
  | { readonly type: 'client'; readonly request: ClientRequest };

export type ClientOutcome =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly code: 'not-leader'; readonly leader: string | null; readonly error: string }
  | { readonly ok: false; readonly code: 'conflict' | 'bad-request' | 'lost' | 'internal'; readonly error: string };

export interface AppliedValue {
  readonly index: number;
  readonly key: string;
  readonly value: string | null;
  readonly version: number;
}

/** One report per processed Ready, so a batch costs one postMessage. */
export interface ReadyReport {
  readonly type: 'ready';
  readonly status?: NodeStatus;
  readonly truncatedFrom?: number;
  readonly appended: readonly EntryView[];
  readonly applied: readonly AppliedValue[];
  readonly messages: readonly MessageBase[];
  readonly outcomes: readonly { readonly requestId: number; readonly outcome: ClientOutcome }[];
  /** What this report cost on disk: fdatasync batches, entries written, time spent syncing. */
  readonly persisted: { readonly batches: number; readonly entries: number; readonly fsyncMs: number } | null;
}

export type FromWorker =
  | {
      readonly type: 'recovered';
      readonly log: readonly EntryView[];
      readonly term: number;
      readonly vote: string | null;
      readonly tornTail: string | null;
      readonly status: NodeStatus;
    }
  | ReadyReport
  | { readonly type: 'fatal'; readonly error: string };
