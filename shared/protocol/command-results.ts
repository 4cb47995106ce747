// What each command answers, one type per command (commands.ts), so a caller reads a result's
// fields by name. The door (shared/host/command-door.ts) is typed against this table, so a host
// cannot answer a command with the wrong shape. Results the page reads (client answers, a message
// inspected) have zod schemas too: the page validates what the server sends before it shows it.
import { z } from 'zod';
import type { KvMetadata } from '../kv/store.ts';
import type { CommitAnswer, DiskDetails, NodeAnswers, SnapshotImage } from '../node/answers.ts';
import type { DiskFault } from '../node/disk-fault.ts';
import type { ClusterCommand } from './commands.ts';
import type { ClockView, ClusterView, NetworkView, TourPredictionView } from './views.ts';

/** A write the cluster committed (ours: with its index and version) or a lin-kv node acknowledged. */
export const writeResultSchema = z.object({
  key: z.string(),
  /** The node that answered. */
  node: z.string(),
  index: z.number().int().nonnegative().optional(),
  term: z.number().int().nonnegative().optional(),
  /** The version written, or the version marked deleted (0 if the key never existed). */
  version: z.number().int().nonnegative().optional(),
  op: z.enum(['put', 'delete', 'restore']).optional(),
});
export type WriteResult = z.infer<typeof writeResultSchema>;

/** A read of one key's value (ours: with version and times; lin-kv: the value only). */
export const readResultSchema = z.object({
  key: z.string(),
  node: z.string(),
  /** null: absent, or the version read is deleted. */
  value: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).optional(),
  version: z.number().int().nonnegative().optional(),
  deleted: z.boolean().optional(),
  createdTime: z.number().optional(),
  updatedTime: z.number().optional(),
  deletionTime: z.number().nullable().optional(),
  appliedIndex: z.number().int().nonnegative().optional(),
  readIndex: z.number().int().nonnegative().optional(),
});
export type ReadResult = z.infer<typeof readResultSchema>;

/** inspect-message: the core's whole message and where it is. */
export const inspectedMessageSchema = z.object({
  state: z.enum(['in-flight', 'parked', 'done']),
  message: z.record(z.string(), z.unknown()),
  summary: z.string(),
  sentAt: z.number(),
  deliverAt: z.number(),
  size: z.number(),
});
export type InspectedMessage = z.infer<typeof inspectedMessageSchema>;

/** A key's Vault metadata, or a folder's children, from the node that served the read. */
export type MetadataResult = { readonly key: string; readonly metadata: KvMetadata | null; readonly node: string; readonly appliedIndex: number };
export type ListResult = { readonly key: string; readonly keys: readonly string[]; readonly node: string; readonly appliedIndex: number };

/** A power cut now: what the node's disk lost; at the next sync: armed. */
export type PowerCutResult = { readonly armed: true } | { readonly bytesLost: number; readonly [detail: string]: unknown } | undefined;
export type DiskFaultResult = { readonly fault: DiskFault; readonly segment?: string; readonly offset?: number; readonly byte?: number; readonly bit?: number };
export type SnapshotSaved = Omit<SnapshotImage, 'data'> & { readonly bytes: number };
export type RestoreResult = { readonly index: number; readonly keys: number };

type Nothing = undefined;

/** Each command's answer. */
export interface CommandResults {
  readonly kill: Nothing;
  readonly restart: Nothing;
  readonly 'pause-node': Nothing;
  readonly 'resume-node': Nothing;
  readonly 'wipe-node': Nothing;
  readonly 'power-loss': Nothing;
  readonly 'restart-all': Nothing;
  readonly campaign: NodeAnswers['campaign'];
  readonly 'snapshot-now': NodeAnswers['snapshot-now'];
  readonly 'add-node': { readonly node: string };
  readonly 'remove-node': Nothing;
  readonly promote: Nothing;
  readonly 'change-membership': CommitAnswer & { readonly joint: boolean };
  readonly 'transfer-leadership': { readonly leader: string; readonly alreadyLeader?: true };
  readonly 'cut-link': { readonly network: NetworkView };
  readonly 'heal-link': { readonly network: NetworkView };
  readonly partition: { readonly network: NetworkView };
  readonly isolate: { readonly network: NetworkView };
  readonly split: { readonly network: NetworkView };
  readonly 'heal-network': { readonly network: NetworkView };
  readonly network: { readonly network: NetworkView };
  readonly hold: Nothing;
  readonly step: { readonly delivered: string | null };
  readonly 'inspect-message': InspectedMessage;
  readonly 'drop-message': Nothing;
  readonly 'deliver-message': Nothing;
  readonly 'duplicate-message': { readonly id: number };
  readonly clock: ClockView;
  readonly switches: { readonly switches: NonNullable<ClusterView['switches']> };
  readonly put: WriteResult;
  readonly delete: WriteResult;
  readonly get: ReadResult;
  readonly 'get-metadata': MetadataResult;
  readonly 'list-keys': ListResult;
  readonly disk: { readonly disk: DiskDetails };
  readonly 'tear-tail': { readonly segment: string; readonly bytes: number };
  readonly 'snapshot-save': SnapshotSaved;
  readonly 'snapshot-restore': RestoreResult;
  readonly 'reset-cluster': Nothing;
  readonly chaos: { readonly running: boolean };
  readonly 'tour-next': {
    readonly step: number;
    readonly ok: boolean;
    readonly verdicts: readonly { readonly ok: boolean; readonly detail: string }[];
    readonly results: readonly unknown[];
    /** The step's question judged: the guess (null: skipped) and what really happened. */
    readonly prediction?: TourPredictionView;
  };
  readonly 'power-cut': PowerCutResult;
  readonly 'disk-fault': DiskFaultResult;
}

/** What `command` answers. */
export type ResultOf<C extends ClusterCommand> = CommandResults[C['type']];
