// What a page knows about a cluster: plain data, rebuilt from a snapshot plus the event stream.
// The server keeps the same view (by the same reducer) so a late joiner gets it in one frame.
import { z } from 'zod';
import { nodeIdSchema, roleSchema } from './schemas.ts';

export const entryViewSchema = z.object({
  index: z.number().int().positive(),
  term: z.number().int().nonnegative(),
  type: z.enum(['normal', 'noop', 'config']),
  /** One line for the log strip: "put color", "no-op", "add n6". */
  summary: z.string(),
});
export type EntryView = z.infer<typeof entryViewSchema>;

export const messageViewSchema = z.object({
  id: z.number().int().nonnegative(),
  from: nodeIdSchema,
  to: nodeIdSchema,
  /** The core's message type: Vote, VoteResp, App, AppResp, ... */
  kind: z.string().max(40),
  term: z.number().int().nonnegative(),
  /** Bytes of the encoded message. */
  size: z.number().int().nonnegative(),
  /** Virtual milliseconds. */
  sentAt: z.number(),
  deliverAt: z.number(),
  /** The shared describe formatter's one line. */
  summary: z.string().max(500),
  /** For replies: did the receiver say yes? Absent for requests. */
  granted: z.boolean().optional(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const kvValueViewSchema = z.object({ value: z.string(), version: z.number().int().nonnegative(), index: z.number().int() });
export type KvValueView = z.infer<typeof kvValueViewSchema>;

export const nodeStatusSchema = z.object({
  role: roleSchema,
  term: z.number().int().nonnegative(),
  vote: nodeIdSchema.nullable(),
  leader: nodeIdSchema.nullable(),
  commit: z.number().int().nonnegative(),
  applied: z.number().int().nonnegative(),
  lastIndex: z.number().int().nonnegative(),
});
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const nodeViewSchema = nodeStatusSchema.extend({
  id: nodeIdSchema,
  /** alive: its worker runs; dead: killed (or crashed); starting: worker booting and recovering. */
  life: z.enum(['alive', 'dead', 'starting']),
  /** The tail of its log (older entries are elided from the view, not from the node). */
  log: z.array(entryViewSchema),
  kv: z.record(z.string(), kvValueViewSchema),
});
export type NodeView = z.infer<typeof nodeViewSchema>;

export const clockViewSchema = z.object({
  /** Virtual milliseconds since the cluster started. */
  now: z.number(),
  /** Virtual ms per real ms. 1 = production timing. */
  speed: z.number().positive(),
  paused: z.boolean(),
});
export type ClockView = z.infer<typeof clockViewSchema>;

export const clusterViewSchema = z.object({
  name: z.string(),
  profile: z.enum(['teaching', 'production']),
  /** Sequence number of the last event folded into this view. */
  seq: z.number().int().nonnegative(),
  clock: clockViewSchema,
  nodes: z.array(nodeViewSchema),
  inFlight: z.array(messageViewSchema),
});
export type ClusterView = z.infer<typeof clusterViewSchema>;

/** How many log entries per node a view keeps; the page shows the tail. */
export const VIEW_LOG_TAIL = 200;
