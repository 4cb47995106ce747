// What a node answers each request with (protocol.ts's NodeRequest), one type per kind, so a host
// reads an answer's fields by name instead of re-parsing a Record. Both ends are our code (the
// runtime in a worker or in the simulator): typed, not validated. A foreign node's answers never
// take this path; they are validated where they arrive (server/foreign).
import type { KvMetadata } from '../kv/store.ts';
import type { Switches } from '../raft/index.ts';
import type { DiskFault } from './disk-fault.ts';
import type { NodeRequest, ReadQuery } from './protocol.ts';

/** Every read answer says how far the serving node had applied; a ReadIndex read, at which index. */
interface ReadBase {
  readonly key: string;
  readonly appliedIndex: number;
  /** The read index a linearizable read waited for (absent for stale and lease reads). */
  readonly readIndex?: number;
}

/** A key's value (the latest, or the version asked for). */
export interface ValueAnswer extends ReadBase {
  /** The value as the page shows it (a Vault data object {value: v} shows as v); null: absent or deleted. */
  readonly value: string | null;
  /** The Vault data object, when the version holds one. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** The version read (0: the key never existed). */
  readonly version: number;
  readonly deleted: boolean;
  /** Present when the version exists (deleted or not). */
  readonly createdTime?: number;
  readonly updatedTime?: number;
  readonly deletionTime?: number | null;
}

export interface MetadataAnswer extends ReadBase {
  readonly metadata: KvMetadata | null;
}

export interface ListAnswer extends ReadBase {
  /** A folder's children, as Vault's LIST names them ("sub/" for a folder). */
  readonly keys: readonly string[];
}

/** A proposal committed and applied: where it landed, and what the store made of it. */
export interface CommitAnswer {
  readonly index: number;
  readonly term: number;
  /** A client command's key, version and op (absent for a conf change); a restore's `version` is its key count. */
  readonly key?: string;
  readonly version?: number;
  readonly op?: 'put' | 'delete' | 'restore';
}

/** The disk's own account of itself, for the `disk` request: its fault, and what else that kind of
 *  disk can tell (the WAL: its directory, segments and totals; the memory disk: its counters). */
export interface DiskDetails {
  readonly fault: DiskFault;
  readonly [detail: string]: unknown;
}

export interface SnapshotImage {
  readonly index: number;
  readonly term: number;
  readonly keys: number;
  readonly data: string;
}

/** Each request kind's answer. */
export interface NodeAnswers {
  readonly propose: CommitAnswer;
  readonly read: ValueAnswer | MetadataAnswer | ListAnswer;
  readonly 'conf-change': CommitAnswer;
  readonly transfer: Record<string, never>;
  readonly campaign: Record<string, never>;
  readonly 'snapshot-now': { readonly index: number; readonly compacted: boolean };
  readonly switches: { readonly switches: Switches };
  readonly disk: { readonly disk: DiskDetails };
  readonly 'disk-fault': { readonly fault: DiskFault };
  readonly 'snapshot-data': SnapshotImage;
}

export type NodeAnswer = NodeAnswers[keyof NodeAnswers];

/** What a read of `query` answers. */
export type ReadAnswerOf<Q extends ReadQuery> = Q extends { what: 'list' } ? ListAnswer : Q extends { what: 'metadata' } ? MetadataAnswer : ValueAnswer;

/** What `request` is answered with. */
export type AnswerTo<R extends NodeRequest> = R extends { kind: 'read'; query: infer Q extends ReadQuery } ? ReadAnswerOf<Q> : R extends { kind: 'read' } ? ValueAnswer : NodeAnswers[R['kind']];
