// Cluster management over REST: create, fork, delete, list. These are not cluster commands (they
// act on the server, not on one cluster), so they live beside the command set, not inside it.
import { z } from 'zod';
import { MAX_NODES } from './commands.ts';
import { clusterNameSchema } from './schemas.ts';
import { MAX_SETTINGS, settingCommandSchema } from './fork-settings.ts';

export const profileNameSchema = z.enum(['teaching', 'production']);

/** A node implementation's name: "raftlab" (our core) or one the operator registered. */
export const implementationNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'an implementation name is 1–32 of a-z, 0-9, _ and -, starting with a letter or digit');

/** One line of GET /api/implementations: a name and a kind, never the command behind it. */
export const implementationSummarySchema = z.object({
  name: implementationNameSchema,
  kind: z.enum(['built-in', 'process', 'module']),
});
export type ImplementationSummary = z.infer<typeof implementationSummarySchema>;

/** GET /api/implementations' result: our own core first, then what the operator registered. */
export const implementationListSchema = z.object({ implementations: z.array(implementationSummarySchema).min(1) });

/** POST /api/clusters */
export const createClusterRequestSchema = z.strictObject({
  nodes: z.number().int().min(1).max(MAX_NODES),
  profile: profileNameSchema.default('teaching'),
  /** Chosen by the server when absent. */
  name: clusterNameSchema.optional(),
  /** A node implementation the server's operator registered (GET /api/implementations); default
   *  "raftlab", our own core. A name only: no request can say what to run. */
  implementation: implementationNameSchema.optional(),
});
export type CreateClusterRequest = z.infer<typeof createClusterRequestSchema>;

/** PUT /api/clusters/{name}: a cluster at a name the caller chose first, so that a proxy that
 *  routes by the name in the path (nginx `hash … consistent`, deploy/nginx) sends it to the server
 *  that will hold it. A fork made this way names its source and brings the source's settings
 *  (read from its view: fork-settings.ts), since it may land on another server. A taken name is 409. */
export const putClusterRequestSchema = z.strictObject({
  nodes: z.number().int().min(1).max(MAX_NODES),
  profile: profileNameSchema.default('teaching'),
  implementation: implementationNameSchema.optional(),
  forkedFrom: clusterNameSchema.optional(),
  publicValues: z.boolean().optional(),
  settings: z.array(settingCommandSchema).max(MAX_SETTINGS).optional(),
});
export type PutClusterRequest = z.infer<typeof putClusterRequestSchema>;

/** POST /api/clusters/{name}/fork: a new cluster with the same profile, switches and network, and by
 *  default the same size and implementation. */
export const forkClusterRequestSchema = z.strictObject({
  name: clusterNameSchema.optional(),
  /** Default: as many nodes as the source has. */
  nodes: z.number().int().min(1).max(MAX_NODES).optional(),
  /** Default: the source's. A registered name only, as for create. */
  implementation: implementationNameSchema.optional(),
});
export type ForkClusterRequest = z.infer<typeof forkClusterRequestSchema>;

/** The answer to create and fork. The token is shown once: it is what gives control. */
export const createdClusterSchema = z.object({
  name: clusterNameSchema,
  token: z.string(),
  /** The page for this cluster: anyone with it can watch. */
  url: z.string(),
  /** The same page with the token in its fragment: whoever opens it can control. */
  controlUrl: z.string(),
  nodes: z.number().int(),
  profile: profileNameSchema,
  forkedFrom: clusterNameSchema.optional(),
  implementation: implementationNameSchema.optional(),
});
export type CreatedCluster = z.infer<typeof createdClusterSchema>;

/** One line of GET /api/clusters. */
export const clusterSummarySchema = z.object({
  name: clusterNameSchema,
  nodes: z.number().int(),
  profile: profileNameSchema,
  /** Open WebSocket connections watching it. */
  viewers: z.number().int().nonnegative(),
  /** Never reaped when idle (the server's default cluster). */
  permanent: z.boolean(),
  forkedFrom: clusterNameSchema.nullable(),
  /** What its nodes run: "raftlab" or a registered implementation. */
  implementation: implementationNameSchema.optional(),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;
