// One typed command set for the lab. The page sends these over the WebSocket; the REST API
// accepts the same objects (and friendlier routes that build them). Validated at the boundary.
import { z } from 'zod';
import { kvKeySchema, kvValueSchema, nodeIdSchema, vaultDataSchema } from './schemas.ts';
import { consistencySchema } from './events.ts';
import { bugNameSchema, linkSettingsSchema } from './views.ts';
import { diskFaultCommand } from './disk-fault-schema.ts';
import { ERROR_CODES } from './command-error.ts';

export { CommandError, HTTP_STATUS, type ErrorCode } from './command-error.ts';

export const MIN_SPEED = 0.01;
export const MAX_SPEED = 4;
export const MAX_NODES = 9;

const node = z.object({ node: nodeIdSchema });
const direction = z.enum(['one-way', 'both']);
const messageId = z.object({ id: z.number().int().positive() });

export const commandSchema = z.discriminatedUnion('type', [
  // ── Node lifecycle ──────────────────────────────────────────────────────────────────────────
  /** A process crash: the node's worker is terminated; what it wrote survives in the page cache
   *  (power-cut is the fault that loses what was not synced). */
  z.object({ type: z.literal('kill'), ...node.shape }),
  /** Start a new worker that recovers from the node's directory alone. */
  z.object({ type: z.literal('restart'), ...node.shape }),
  /** Freeze a node: no ticks, no handling; messages wait at its door until resume. */
  z.object({ type: z.literal('pause-node'), ...node.shape }),
  z.object({ type: z.literal('resume-node'), ...node.shape }),
  /** Kill the node, delete its directory, start it empty: it rejoins and is caught up by the leader. */
  z.object({ type: z.literal('wipe-node'), ...node.shape }),
  /** Every node loses power at once (a power-cut of each, those already down included). */
  z.object({ type: z.literal('power-loss') }),
  /** Restart every node that is down. */
  z.object({ type: z.literal('restart-all') }),
  /** Start the node's election now (as if its timer fired). */
  z.object({ type: z.literal('campaign'), ...node.shape }),
  /** Snapshot the node's state machine now and compact its log. */
  z.object({ type: z.literal('snapshot-now'), ...node.shape }),
  // ── Membership (through Raft) ───────────────────────────────────────────────────────────────
  /** A new node: as a voter, or as a learner (non-voter) that can be promoted later. */
  z.object({ type: z.literal('add-node'), learner: z.boolean().optional() }),
  z.object({ type: z.literal('remove-node'), ...node.shape }),
  z.object({ type: z.literal('promote'), ...node.shape }),
  /** Replace several voters at once through joint consensus (e.g. replace the leader). */
  z.object({
    type: z.literal('change-membership'),
    add: z.array(nodeIdSchema).max(MAX_NODES),
    remove: z.array(nodeIdSchema).max(MAX_NODES),
  }),
  z.object({ type: z.literal('transfer-leadership'), to: nodeIdSchema }),
  // ── Network ─────────────────────────────────────────────────────────────────────────────────
  z.object({ type: z.literal('cut-link'), from: nodeIdSchema, to: nodeIdSchema, direction }),
  z.object({ type: z.literal('heal-link'), from: nodeIdSchema, to: nodeIdSchema, direction }),
  /** Split the cluster into groups that cannot reach each other (nodes in no group form one more). */
  z.object({ type: z.literal('partition'), groups: z.array(z.array(nodeIdSchema).max(MAX_NODES)).min(1).max(MAX_NODES) }),
  /** Presets: cut one node off from all others; or split majority | minority (minority given or chosen). */
  z.object({ type: z.literal('isolate'), ...node.shape }),
  z.object({ type: z.literal('split'), minority: z.array(nodeIdSchema).max(MAX_NODES).optional() }),
  /** Remove every cut and partition (latency, loss and the rest stay). */
  z.object({ type: z.literal('heal-network') }),
  /** Network settings for every link (or one directed link with from/to). */
  z.object({
    type: z.literal('network'),
    settings: linkSettingsSchema.partial(),
    from: nodeIdSchema.optional(),
    to: nodeIdSchema.optional(),
  }),
  // ── The bus ─────────────────────────────────────────────────────────────────────────────────
  /** Hold mode: nothing is delivered until released (or stepped one message at a time). */
  z.object({ type: z.literal('hold'), held: z.boolean() }),
  /** Deliver the next message in delivery order, and only that one. */
  z.object({ type: z.literal('step') }),
  z.object({ type: z.literal('inspect-message'), ...messageId.shape }),
  z.object({ type: z.literal('drop-message'), ...messageId.shape }),
  z.object({ type: z.literal('deliver-message'), ...messageId.shape }),
  z.object({ type: z.literal('duplicate-message'), ...messageId.shape }),
  // ── Time ────────────────────────────────────────────────────────────────────────────────────
  /** Lab clock: speed (virtual ms per real ms) and pause. */
  z.object({
    type: z.literal('clock'),
    speed: z.number().min(MIN_SPEED).max(MAX_SPEED).optional(),
    paused: z.boolean().optional(),
  }),
  // ── Protections and bug switches (every node) ───────────────────────────────────────────────
  z.object({
    type: z.literal('switches'),
    preVote: z.boolean().optional(),
    checkQuorum: z.boolean().optional(),
    bugs: z.partialRecord(bugNameSchema, z.boolean()).optional(),
  }),
  // ── Client operations ───────────────────────────────────────────────────────────────────────
  /** A write. Sent to `node` if given (a follower forwards it to its leader), else to the leader.
   *  With `cas`, only if the key's current version is `cas` (0: only if the key does not exist). */
  /** `value` is a string; `data` a Vault KV v2 data object instead (what the Vault API writes). */
  z
    .object({
      type: z.literal('put'),
      key: kvKeySchema,
      value: kvValueSchema.optional(),
      data: vaultDataSchema.optional(),
      cas: z.number().int().nonnegative().optional(),
      /** A foreign (lin-kv) cluster's cas: only if the key holds this value. */
      from: kvValueSchema.optional(),
      node: nodeIdSchema.optional(),
    })
    .refine((put) => (put.value === undefined) !== (put.data === undefined), { message: 'a put has a "value" (a string) or a "data" object, not both or neither' }),
  z.object({ type: z.literal('delete'), key: kvKeySchema, node: nodeIdSchema.optional() }),
  /** A read: stale (the node's own state machine), lease (leader lease), linearizable (ReadIndex).
   *  With `version`, that version of the key (kept versions only; Vault's ?version=N). */
  z.object({
    type: z.literal('get'),
    key: kvKeySchema,
    consistency: consistencySchema.optional(),
    node: nodeIdSchema.optional(),
    version: z.number().int().positive().optional(),
  }),
  /** A key's Vault metadata (its versions, their times), read at the given consistency. */
  z.object({ type: z.literal('get-metadata'), key: kvKeySchema, consistency: consistencySchema.optional(), node: nodeIdSchema.optional() }),
  /** A folder's children ("" is the top), as Vault's LIST names them. */
  z.object({ type: z.literal('list-keys'), prefix: z.union([z.literal(''), kvKeySchema]), consistency: consistencySchema.optional(), node: nodeIdSchema.optional() }),
  /** What a node's directory holds right now (segments, hard state, snapshot). */
  z.object({ type: z.literal('disk'), ...node.shape }),
  /** A power cut mid-write: leave half a record at the end of a stopped node's WAL. */
  z.object({ type: z.literal('tear-tail'), ...node.shape }),
  // ── Disaster recovery ───────────────────────────────────────────────────────────────────────
  /** Take a snapshot of the store (on the leader) and keep it in the lab, as an operator would. */
  z.object({ type: z.literal('snapshot-save') }),
  /** Restore the snapshot the lab kept, through the log: every node installs it. */
  z.object({ type: z.literal('snapshot-restore') }),
  /** Destroy every node's data and start the cluster over from nothing (n1 bootstraps again). */
  z.object({ type: z.literal('reset-cluster') }),
  // ── Chaos autopilot ─────────────────────────────────────────────────────────────────────────
  /** Random kills, restarts, partitions and message faults under a steady client load. */
  z.object({ type: z.literal('chaos'), running: z.boolean(), load: z.boolean().optional() }),
  // ── Guided tours ────────────────────────────────────────────────────────────────────────────
  /** Run the next step of the cluster's tour (a cluster started for a scenario). */
  /** `prediction`: the answer to the step's question (one of the choices the tour view offers). */
  z.object({ type: z.literal('tour-next'), prediction: z.string().max(64).optional() }),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandType = Command['type'];

/** Faults only the lab's real disks take so far (server/cluster/storage): the simulator's cluster
 *  runs Command, and its disk in memory would need a power cut of its own. */
export const diskFaultCommandSchema = z.discriminatedUnion('type', [
  /** Cut one node's power: it stops, and its files keep only what it had synced; what it had only
   *  written is gone (a torn record may be left). `next-sync`: the power goes when the node next
   *  syncs, before that sync, so whatever it sent ahead of its disk is a promise the disk breaks. */
  z.object({ type: z.literal('power-cut'), ...node.shape, at: z.enum(['now', 'next-sync']).optional() }),
  /** A disk that fails like a disk (shared/node/disk-fault.ts): slow {p50Ms, p99Ms}, failing {on:
   *  sync | write} (EIO once: the node stops), full (ENOSPC until `none` frees space), corrupt (a bit
   *  flips in a synced record mid-log: the next recovery refuses it), none (healthy again). */
  diskFaultCommand,
]);
export type DiskFaultCommand = z.infer<typeof diskFaultCommandSchema>;
/** What a cluster of real nodes runs. */
export type ClusterCommand = Command | DiskFaultCommand;

/** Commands about who sees what on this server, not about the cluster's nodes: the server runs
 *  them itself (the simulator, which has no watchers, never sees them). */
export const serverCommandSchema = z.discriminatedUnion('type', [
  /** Watchers without the token see values (true, a classroom) or only digests (false, the default). */
  z.object({ type: z.literal('values-visibility'), public: z.boolean() }),
]);
export type ServerCommand = z.infer<typeof serverCommandSchema>;

/** Every command a page or a REST client may send. */
export const labCommandSchema = z.discriminatedUnion('type', [...commandSchema.options, ...diskFaultCommandSchema.options, ...serverCommandSchema.options]);
export type LabCommand = z.infer<typeof labCommandSchema>;

export const errorCodeSchema = z.enum(ERROR_CODES);




export const commandResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.record(z.string(), z.unknown()).optional() }),
  z.object({ ok: z.literal(false), code: errorCodeSchema, error: z.string() }),
]);
export type CommandResult = z.infer<typeof commandResultSchema>;


/** Turns a zod failure into one sentence a person can act on. */
export function describeValidationError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
