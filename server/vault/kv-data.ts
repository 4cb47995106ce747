// KV v2 data: /v1/secret/data/{path}. GET reads (?version=N for an older one; a deleted version is
// a 404 that still carries its metadata, as in Vault), PUT/POST writes
// {"data": {...}, "options": {"cas": N}}, DELETE soft-deletes the latest version. Writes go through
// Raft; sent to a follower's URL they are forwarded to the leader, as Vault's standbys do.
import { z } from 'zod';
import { vaultVersionMetadata } from '../../shared/kv/vault.ts';
import { MAX_VALUE_BYTES, utf8Length } from '../../shared/kv/limits.ts';
import { describeValidationError } from '../../shared/protocol/commands.ts';
import { readLatest, readVersion } from './kv-reader.ts';
import { NO_CONTENT, VaultError, badRequest, unsupported, vaultOk, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';
import { parseBody } from './vault-body.ts';

const writeSchema = z.object({
  data: z.record(z.string(), z.unknown()),
  options: z.object({ cas: z.number().int().nonnegative().optional() }).optional(),
});

export async function kvData(request: VaultRequest, target: VaultTarget, key: string): Promise<VaultResponse> {
  switch (request.method) {
    case 'GET':
      return read(request, target, key);
    case 'PUT':
    case 'POST':
      return write(request, target, key);
    case 'DELETE':
      await target.command({ type: 'delete', key, ...(target.node ? { node: target.node } : {}) });
      return NO_CONTENT;
    default:
      throw unsupported(request);
  }
}

async function read(request: VaultRequest, target: VaultTarget, key: string): Promise<VaultResponse> {
  const raw = request.query.get('version');
  const version = raw === null ? 0 : Number(raw);
  if (!Number.isSafeInteger(version) || version < 0) throw badRequest(`version must be a non-negative integer, got ${raw ?? ''}`);
  if (version > 0) {
    const entry = await readVersion(target, key, version);
    if (!entry) throw new VaultError(404, []);
    if (entry.deleted) return deletedVersion(entry.version, entry.createdTime, entry.deletionTime);
    return vaultOk({ data: entry.data, metadata: vaultVersionMetadata(entry.version, entry.createdTime, entry.deletionTime) }, { mount_type: 'kv' });
  }
  const latest = await readLatest(target, key);
  if (latest.data === null && latest.deletionTime !== null && latest.createdTime !== null) return deletedVersion(latest.version, latest.createdTime, latest.deletionTime);
  if (latest.data === null) throw new VaultError(404, []);
  const created = latest.createdTime;
  const metadata = created === null ? { ...vaultVersionMetadata(latest.version, 0, null), created_time: '' } : vaultVersionMetadata(latest.version, created, null);
  return vaultOk({ data: latest.data, metadata }, { mount_type: 'kv' });
}

/** Vault's answer for a deleted version: 404, with the version's metadata (its deletion_time is
 *  what `vault kv get` prints for a deleted secret) and no data. */
function deletedVersion(version: number, createdTime: number, deletionTime: number | null): VaultResponse {
  return { ...vaultOk({ data: null, metadata: vaultVersionMetadata(version, createdTime, deletionTime) }, { mount_type: 'kv' }), status: 404 };
}

async function write(request: VaultRequest, target: VaultTarget, key: string): Promise<VaultResponse> {
  const parsed = writeSchema.safeParse(await parseBody(request));
  if (!parsed.success) throw badRequest(describeValidationError(parsed.error));
  const { data, options } = parsed.data;
  const bytes = utf8Length(JSON.stringify(data));
  if (bytes > MAX_VALUE_BYTES) throw badRequest(`the data is ${bytes} bytes of JSON; the limit is ${MAX_VALUE_BYTES}`);
  const cas = options?.cas;
  // The gateway stamps the command with Date.now() as it proposes; this is the same moment.
  const proposedAt = Date.now();
  const result = await target.command({ type: 'put', key, data, ...(cas === undefined ? {} : { cas }), ...(target.node ? { node: target.node } : {}) });
  const version = result.version ?? 0;
  return vaultOk(vaultVersionMetadata(version, proposedAt, null));
}
