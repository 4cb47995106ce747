// Small building blocks shared by the event, command and frame schemas.
import { z } from 'zod';
import { keyProblem } from '../kv/keys.ts';
import { MAX_VALUE_BYTES, utf8Length } from '../kv/limits.ts';

/** Node ids are "n" followed by a number ("n1".."n999"). Validated wherever they come from outside. */
export const nodeIdSchema = z.string().regex(/^n[1-9][0-9]{0,2}$/, 'a node id looks like n1, n2, …');

/** Cluster names end up in URLs and directory names: keep them boring. */
export const clusterNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a cluster name is 1–32 of a-z, 0-9 and -, starting with a letter or digit');

export const roleSchema = z.enum(['follower', 'pre-candidate', 'candidate', 'leader']);

/** Bounds on client data, shared by the page (to warn early) and the server (to refuse). */
export { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../kv/limits.ts';

/** A key as every API takes it: the store's own rule (shared/kv/keys.ts), never a second copy. */
export const kvKeySchema = z.string().superRefine((key, context) => {
  const problem = keyProblem(key);
  if (problem !== null) context.addIssue({ code: 'custom', message: problem });
});

export const kvValueSchema = z.string().max(MAX_VALUE_BYTES, `a value is at most ${MAX_VALUE_BYTES} characters`);

/** A Vault KV v2 secret's data: a JSON object of at most MAX_VALUE_BYTES once encoded. */
export const vaultDataSchema = z.record(z.string(), z.unknown()).superRefine((data, context) => {
  const bytes = utf8Length(JSON.stringify(data));
  if (bytes > MAX_VALUE_BYTES) context.addIssue({ code: 'custom', message: `the data is ${bytes} bytes of JSON; the limit is ${MAX_VALUE_BYTES}` });
});
