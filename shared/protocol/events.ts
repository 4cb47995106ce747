// Every change in a cluster is an event with a per-cluster sequence number and a virtual timestamp.
import { z } from 'zod';
import { diskFaultSchema } from './disk-fault-schema.ts';
import { nodeIdSchema } from './schemas.ts';
import {
  clockViewSchema,
  diskViewSchema,
  entryViewSchema,
  livenessViewSchema,
  messageViewSchema,
  networkViewSchema,
  powerCutLossSchema,
  nodeStatusSchema,
  switchesViewSchema,
  tourViewSchema,
} from './views.ts';

const stamp = { seq: z.number().int().nonnegative(), time: z.number() };

export const clientOpKindSchema = z.enum(['put', 'cas', 'delete', 'get']);
export const consistencySchema = z.enum(['stale', 'lease', 'linearizable']);
export type Consistency = z.infer<typeof consistencySchema>;

/** A foreign cluster's operations are Maelstrom's lin-kv (server/foreign/lin-kv-client.ts): no
 *  versions in its answers, and a cas compares values (`from`). Absent for our own clusters. */
const linKvFields = {
  linKv: z.literal(true).optional(),
  from: z.string().nullable().optional(),
  /** client-op: a cas refused for the value it found (lin-kv's 20 or 22), an answer about the state. */
  refused: z.literal(true).optional(),
};

export const clusterEventSchema = z.discriminatedUnion('type', [
  z.object({ ...stamp, type: z.literal('node-status'), node: nodeIdSchema, status: nodeStatusSchema }),
  /** A node joined the cluster's roster (at creation or by add-node). */
  z.object({ ...stamp, type: z.literal('node-added'), node: nodeIdSchema }),
  /** A node left the roster (removed from the membership and stopped). */
  z.object({ ...stamp, type: z.literal('node-removed'), node: nodeIdSchema }),
  z.object({ ...stamp, type: z.literal('node-starting'), node: nodeIdSchema }),
  z.object({
    ...stamp,
    type: z.literal('node-recovered'),
    node: nodeIdSchema,
    /** What the node found on its disk: the log tail, durable term and vote. */
    log: z.array(entryViewSchema),
    term: z.number().int().nonnegative(),
    vote: nodeIdSchema.nullable(),
    /** A torn or corrupt tail that recovery cut off, described; null if the log ended cleanly. */
    tornTail: z.string().nullable(),
    snapshotIndex: z.number().int().nonnegative(),
  }),
  /** `lost`: after a power cut, what it took from the node's files (the lab's real disk says). */
  z.object({ ...stamp, type: z.literal('node-killed'), node: nodeIdSchema, reason: z.string(), lost: powerCutLossSchema.optional() }),
  /** The node stopped itself with an error (never silently): e.g. a corrupt record mid-log. */
  z.object({ ...stamp, type: z.literal('node-failed'), node: nodeIdSchema, reason: z.string() }),
  /** Something a foreign node did wrong that the lab refused (a bad line, an unknown dest, a
   *  malformed state report, a flood), with the tail of its stderr: said on its card, not fatal. */
  z.object({ ...stamp, type: z.literal('node-note'), node: nodeIdSchema, note: z.string().max(4000) }),
  /** The node's own API port (server/cluster/node-api): where it listens, or null with why it does not. */
  z.object({ ...stamp, type: z.literal('node-api'), node: nodeIdSchema, address: z.string().max(200).nullable(), note: z.string().max(400).optional() }),
  z.object({ ...stamp, type: z.literal('node-paused'), node: nodeIdSchema }),
  z.object({ ...stamp, type: z.literal('node-resumed'), node: nodeIdSchema }),
  z.object({ ...stamp, type: z.literal('node-wiped'), node: nodeIdSchema }),
  z.object({ ...stamp, type: z.literal('node-disk'), node: nodeIdSchema, disk: diskViewSchema }),
  /** The node's disk fault changed (set by a person or the fault schedule, or spent: a failing
   *  disk's EIO fired). */
  z.object({ ...stamp, type: z.literal('node-disk-fault'), node: nodeIdSchema, fault: diskFaultSchema }),
  z.object({
    ...stamp,
    type: z.literal('snapshot'),
    node: nodeIdSchema,
    index: z.number().int().nonnegative(),
    term: z.number().int().nonnegative(),
    /** local: the node compacted its own log; leader: installed from the leader (InstallSnapshot). */
    source: z.enum(['local', 'leader']),
  }),
  z.object({ ...stamp, type: z.literal('message-sent'), message: messageViewSchema }),
  z.object({ ...stamp, type: z.literal('message-delivered'), id: z.number().int().nonnegative() }),
  z.object({ ...stamp, type: z.literal('message-dropped'), id: z.number().int().nonnegative(), reason: z.string() }),
  /** The node's state machine was replaced (snapshot installed, restore, recovery); kv-applied
   *  events for its keys follow. */
  z.object({ ...stamp, type: z.literal('kv-reset'), node: nodeIdSchema, reason: z.enum(['snapshot', 'restore', 'recovery']) }),
  z.object({ ...stamp, type: z.literal('log-appended'), node: nodeIdSchema, entries: z.array(entryViewSchema) }),
  z.object({ ...stamp, type: z.literal('log-truncated'), node: nodeIdSchema, fromIndex: z.number().int().positive() }),
  z.object({
    ...stamp,
    type: z.literal('kv-applied'),
    node: nodeIdSchema,
    index: z.number().int().positive(),
    key: z.string(),
    /** null: the key was deleted. */
    value: z.string().nullable(),
    version: z.number().int().nonnegative(),
  }),
  z.object({ ...stamp, type: z.literal('clock'), clock: clockViewSchema }),
  z.object({ ...stamp, type: z.literal('network'), network: networkViewSchema }),
  z.object({ ...stamp, type: z.literal('bus-hold'), held: z.boolean() }),
  z.object({ ...stamp, type: z.literal('switches'), switches: switchesViewSchema }),
  /** The chaos autopilot started, stopped, or broke something (`action` says what). */
  z.object({ ...stamp, type: z.literal('chaos'), running: z.boolean(), action: z.string().nullable() }),
  /** The guided tour moved on: a step became ready, started, or was judged. */
  z.object({ ...stamp, type: z.literal('tour'), tour: tourViewSchema }),
  /** The live checker found a broken safety property. */
  z.object({ ...stamp, type: z.literal('violation'), invariant: z.string(), explanation: z.string() }),
  /** A challenge (shared/challenges/catalog.ts) was solved on this cluster: what the lab saw. */
  z.object({ ...stamp, type: z.literal('challenge'), challenge: z.string().max(64), detail: z.string().max(2000) }),
  /** The live safety checker stopped at its memory bound: nothing after this is checked. */
  z.object({ ...stamp, type: z.literal('checker-stopped'), explanation: z.string().max(2000) }),
  /** The liveness watch changed its verdict. */
  z.object({ ...stamp, type: z.literal('liveness'), liveness: livenessViewSchema }),
  /** A client operation was invoked. Until its client-op arrives it may take effect at any moment,
   *  so the linearizability checker counts a write still in flight as "may have happened". */
  z.object({
    ...stamp,
    type: z.literal('client-call'),
    opId: z.number().int().nonnegative(),
    client: z.string(),
    op: clientOpKindSchema,
    key: z.string(),
    value: z.string().nullable(),
    cas: z.number().int().nonnegative().nullable(),
    ...linKvFields,
    start: z.number(),
  }),
  /** A client operation finished: the history the linearizability checker reads. */
  z.object({
    ...stamp,
    type: z.literal('client-op'),
    opId: z.number().int().nonnegative(),
    client: z.string(),
    op: clientOpKindSchema,
    key: z.string(),
    /** What was written (put/cas) or read (get; null = absent). */
    value: z.string().nullable(),
    /** put/cas/delete: the version written; get: the version read. */
    version: z.number().int().nonnegative().nullable(),
    cas: z.number().int().nonnegative().nullable(),
    consistency: consistencySchema.nullable(),
    ...linKvFields,
    node: nodeIdSchema.nullable(),
    /** ok: happened; failed: definitely did not happen; unknown: may or may not have happened. */
    outcome: z.enum(['ok', 'failed', 'unknown']),
    detail: z.string(),
    /** Virtual times the operation was invoked and answered. */
    start: z.number(),
    end: z.number(),
  }),
]);
export type ClusterEvent = z.infer<typeof clusterEventSchema>;
export type ClusterEventType = ClusterEvent['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the cluster stamps it with seq and time . */
export type UnstampedEvent = DistributiveOmit<ClusterEvent, 'seq' | 'time'>;
