// /v1/auth/token/lookup-self (GET) and /v1/auth/token/renew-self (POST/PUT): what a Vault client
// asks about the token it holds. Many services call them at start-up (hvac's is_authenticated()
// is a lookup-self). The cluster's token is the lab's only token, so it is described as Vault
// describes a root token: policies ["root"], no TTL, never expires. The router answers a missing
// or wrong token with 403 before it gets here, as Vault does.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeValidationError } from '../../shared/protocol/commands.ts';
import type { LabSession } from '../cluster-registry.ts';
import { parseBody } from './vault-body.ts';
import { badRequest, unsupported, vaultOk, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';

/** Vault takes `increment` as seconds or a duration string; a token that never expires ignores it. */
const renewSchema = z.object({ increment: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+[smhd]?$/)]).optional() }).strict();

/** The lab does not record when a cluster was made: creation_time is when this server first
 *  answered for the token (Vault reports when the token was made). */
const firstSeen = new WeakMap<LabSession, number>();

/** A stable accessor per token that does not reveal it (Vault's accessors are random ids). */
function accessorOf(token: string): string {
  return createHash('sha256').update(`raftlab-accessor:${token}`).digest('base64url').slice(0, 24);
}

export async function authToken(request: VaultRequest, target: VaultTarget, route: string): Promise<VaultResponse> {
  const { session } = target;
  if (route === 'lookup-self') {
    if (request.method !== 'GET') throw unsupported(request);
    if (!firstSeen.has(session)) firstSeen.set(session, Math.floor(Date.now() / 1000));
    return vaultOk({
      accessor: accessorOf(session.token),
      creation_time: firstSeen.get(session),
      creation_ttl: 0,
      display_name: 'root',
      entity_id: '',
      expire_time: null,
      explicit_max_ttl: 0,
      id: session.token,
      meta: null,
      num_uses: 0,
      orphan: true,
      path: 'auth/token/root',
      policies: ['root'],
      renewable: false,
      ttl: 0,
      type: 'service',
    });
  }
  if (route === 'renew-self') {
    if (request.method !== 'POST' && request.method !== 'PUT') throw unsupported(request);
    const parsed = renewSchema.safeParse(await parseBody(request));
    if (!parsed.success) throw badRequest(describeValidationError(parsed.error));
    // Vault refuses to renew a root token (400 "lease is not renewable"); a client's renewal loop
    // then stops or fails. The lab's token never expires, so it answers with what a renewal
    // returns, lease_duration 0, and says why in a warning.
    return vaultOk(null, {
      auth: {
        client_token: session.token,
        accessor: accessorOf(session.token),
        policies: ['root'],
        token_policies: ['root'],
        metadata: null,
        lease_duration: 0,
        renewable: false,
        entity_id: '',
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
      warnings: ["the lab's cluster token does not expire: there is nothing to renew"],
    });
  }
  throw unsupported(request);
}
