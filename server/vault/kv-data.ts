// KV v2 data: /v1/secret/data/{path}. GET reads (?version=N for an older one; a deleted version is
// a 404 that still carries its metadata, as in Vault), PUT/POST writes
// {"data": {...}, "options": {"cas": N}}, DELETE soft-deletes the latest version. Writes go through
// Raft; sent to a follower's URL they are forwarded to the leader, as Vault's standbys do.
import { vaultVersionMetadata } from '../../shared/kv/vault.ts';
import { MAX_VALUE_BYTES, utf8Length } from '../../shared/kv/limits.ts';
import { readLatest, readVersion } from './kv-reader.ts';
import { NO_CONTENT, VaultError, badRequest, unsupported, vaultOk, type VaultRequest, type VaultResponse, type KvTarget } from './vault-http.ts';
import { parseBody } from './vault-body.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A write's body, {"data": {...}, "options": {"cas": N}} (other fields are ignored, as Vault does).
 * Checked by hand rather than with zod: this route also runs inside every node's worker (its own
 * API port), and zod with the schemas around it cost each worker ~15 MB of memory (measured with
 * 5 nodes: 128 → 202 MB for the server; worker-bundle.test.ts keeps zod out).
 */
function writeBody(body: unknown): { readonly data: Json; readonly cas?: number } {
  if (!isObject(body)) throw badRequest('the body must be a JSON object: {"data": {...}}');
  const { data, options } = body;
  if (!isObject(data)) throw badRequest('data: expected a JSON object (the secret\'s fields)');
  if (options === undefined || options === null) return { data };
  if (!isObject(options)) throw badRequest('options: expected a JSON object');
  const cas = options['cas'];
  if (cas === undefined) return { data };
  if (typeof cas !== 'number' || !Number.isSafeInteger(cas) || cas < 0) throw badRequest('options.cas: expected a non-negative integer');
  return { data, cas };
}

export async function kvData(request: VaultRequest, target: KvTarget, key: string): Promise<VaultResponse> {
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

async function read(request: VaultRequest, target: KvTarget, key: string): Promise<VaultResponse> {
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

async function write(request: VaultRequest, target: KvTarget, key: string): Promise<VaultResponse> {
  const { data, cas } = writeBody(await parseBody(request));
  const bytes = utf8Length(JSON.stringify(data));
  if (bytes > MAX_VALUE_BYTES) throw badRequest(`the data is ${bytes} bytes of JSON; the limit is ${MAX_VALUE_BYTES}`);
  // The gateway stamps the command with Date.now() as it proposes; this is the same moment.
  const proposedAt = Date.now();
  const result = await target.command({ type: 'put', key, data, ...(cas === undefined ? {} : { cas }), ...(target.node ? { node: target.node } : {}) });
  const version = result.version ?? 0;
  return vaultOk(vaultVersionMetadata(version, proposedAt, null));
}
