// Bodies of Vault requests: JSON objects, bounded. Vault reads an empty body as no parameters.
import { parseJsonText } from '../http/json-io.ts';
import type { VaultRequest } from './vault-http.ts';

/** KV values are at most 64 KiB of JSON; the rest of a body is small. */
export const MAX_VAULT_BODY_BYTES = 128 * 1024;

export async function parseBody(request: VaultRequest, limit = MAX_VAULT_BODY_BYTES): Promise<unknown> {
  return parseJsonText((await request.body(limit)).toString('utf8'));
}
