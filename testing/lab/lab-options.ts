// startLab's options, checked with zod at the boundary (a test's typo is one clear sentence).
import { z } from 'zod';
import { implementationNameSchema, profileNameSchema } from '../../shared/protocol/clusters.ts';
import { MAX_NODES } from '../../shared/protocol/commands.ts';
import { TOKEN_PATTERN } from '../../server/auth/tokens.ts';

export const startLabOptionsSchema = z.strictObject({
  /** Nodes in the server's default cluster (1–9). */
  nodes: z.number().int().min(1).max(MAX_NODES).default(3),
  /** production: a real cluster's timing (elections in 150–300 ms); teaching: slowed down to watch. */
  profile: profileNameSchema.default('production'),
  /** Foreign node programs to register, as `--implementation NAME=COMMAND` does: { NAME: COMMAND }. */
  implementations: z.record(implementationNameSchema, z.string().min(1)).default({}),
  /** Where node directories live; default a temporary directory removed by stop(). Kept if given. */
  dataDir: z.string().min(1).optional(),
  /** child (default): the server in a process of its own (`node --import tsx server/main.ts`), so
   *  its work never delays the test's own timers; in-process: in the calling process. */
  mode: z.enum(['child', 'in-process']).default('child'),
  /** The default cluster's control token; generated when absent. */
  token: z.string().regex(TOKEN_PATTERN, 'a token is 8–200 of letters, digits and . _ ~ + / = -').optional(),
});

export type StartLabOptions = z.input<typeof startLabOptionsSchema>;
export type LabSettings = z.output<typeof startLabOptionsSchema>;
