// The class view (/class): every cluster of a workshop across its servers, one row each. A server
// answers for its own clusters and asks its peers for theirs; what a peer sends is validated with
// these schemas before it is shown, as any foreign answer is.
import { z } from 'zod';
import { clusterNameSchema, nodeIdSchema } from './schemas.ts';

export const classRowSchema = z.object({
  name: clusterNameSchema,
  /** The X-Raftlab-Server name of the server that holds it. */
  server: z.string().max(64),
  forkedFrom: clusterNameSchema.nullable(),
  implementation: z.string().max(64),
  nodes: z.number().int().nonnegative(),
  up: z.number().int().nonnegative(),
  leader: nodeIdSchema.nullable(),
  term: z.number().int().nonnegative(),
  violations: z.number().int().nonnegative(),
  /** Challenges solved on it (shared/challenges), in the order they were; absent from older servers. */
  challenges: z.array(z.string().max(64)).max(64).default([]),
  viewers: z.number().int().nonnegative(),
});
export type ClassRow = z.infer<typeof classRowSchema>;

/** One server's part: its rows, or why it could not be asked. */
export const classServerSchema = z.object({
  server: z.string().max(64),
  reachable: z.boolean(),
  problem: z.string().max(300).optional(),
  clusters: z.array(classRowSchema).max(1000),
});
export type ClassServer = z.infer<typeof classServerSchema>;

export const classViewSchema = z.object({ servers: z.array(classServerSchema) });
export type ClassView = z.infer<typeof classViewSchema>;
