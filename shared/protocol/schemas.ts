// Small building blocks shared by the event, command and frame schemas.
import { z } from 'zod';

/** Node ids are "n" followed by a number ("n1".."n999"). Validated wherever they come from outside. */
export const nodeIdSchema = z.string().regex(/^n[1-9][0-9]{0,2}$/, 'a node id looks like n1, n2, …');

/** Cluster names end up in URLs and directory names: keep them boring. */
export const clusterNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a cluster name is 1–32 of a-z, 0-9 and -, starting with a letter or digit');

export const roleSchema = z.enum(['follower', 'pre-candidate', 'candidate', 'leader']);

/** Bounds on client data, shared by the page (to warn early) and the server (to refuse). */
export const MAX_KEY_BYTES = 512;
export const MAX_VALUE_BYTES = 64 * 1024;

export const kvKeySchema = z
  .string()
  .min(1, 'the key is empty')
  .max(MAX_KEY_BYTES, `a key is at most ${MAX_KEY_BYTES} characters`)
  .regex(/^[A-Za-z0-9._\-/]+$/, 'a key uses letters, digits and . _ - /')
  .refine((key) => !key.split('/').some((part) => part === '..' || part === '.'), 'a key may not contain . or .. segments');

export const kvValueSchema = z.string().max(MAX_VALUE_BYTES, `a value is at most ${MAX_VALUE_BYTES} characters`);
