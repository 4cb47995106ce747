// Every change in a cluster is an event with a per-cluster sequence number and a virtual timestamp.
import { z } from 'zod';
import { nodeIdSchema } from './schemas.ts';
import { clockViewSchema, entryViewSchema, messageViewSchema, nodeStatusSchema } from './views.ts';

const stamp = { seq: z.number().int().nonnegative(), time: z.number() };

export const clusterEventSchema = z.discriminatedUnion('type', [
  z.object({ ...stamp, type: z.literal('node-status'), node: nodeIdSchema, status: nodeStatusSchema }),
  z.object({ ...stamp, type: z.literal('node-starting'), node: nodeIdSchema }),
  z.object({
    ...stamp,
    type: z.literal('node-recovered'),
    node: nodeIdSchema,
    /** What the node found on its disk: the log tail, durable term and vote. */
    log: z.array(entryViewSchema),
    term: z.number().int().nonnegative(),
    vote: nodeIdSchema.nullable(),
    tornTail: z.string().nullable(),
  }),
  z.object({ ...stamp, type: z.literal('node-killed'), node: nodeIdSchema, reason: z.string() }),
  z.object({ ...stamp, type: z.literal('message-sent'), message: messageViewSchema }),
  z.object({ ...stamp, type: z.literal('message-delivered'), id: z.number().int().nonnegative() }),
  z.object({ ...stamp, type: z.literal('message-dropped'), id: z.number().int().nonnegative(), reason: z.string() }),
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
  z.object({
    ...stamp,
    type: z.literal('client-op'),
    op: z.string(),
    key: z.string(),
    node: nodeIdSchema.nullable(),
    outcome: z.enum(['ok', 'failed', 'unknown']),
    detail: z.string(),
  }),
]);
export type ClusterEvent = z.infer<typeof clusterEventSchema>;
export type ClusterEventType = ClusterEvent['type'];

/** An event before the cluster stamps it with seq and time. */
export type UnstampedEvent = ClusterEvent extends infer E ? (E extends ClusterEvent ? Omit<E, 'seq' | 'time'> : never) : never;
