// KV v2 metadata: /v1/secret/metadata/{path}. GET answers the key's versions (current, oldest,
// each version's times); GET ?list=true (Vault's LIST) answers the folder's children.
import { vaultMetadata } from '../../shared/kv/vault.ts';
import { listKeys, readMetadata } from './kv-reader.ts';
import { VaultError, flag, unsupported, vaultOk, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';

export async function kvMetadata(request: VaultRequest, target: VaultTarget, key: string): Promise<VaultResponse> {
  if (request.method !== 'GET') throw unsupported(request);
  if (flag(request.query, 'list')) {
    const keys = await listKeys(target, key);
    if (!keys) throw new VaultError(404, []);
    return vaultOk({ keys });
  }
  if (key === '') throw new VaultError(405, ['reading metadata needs a key path; add ?list=true to list']);
  const metadata = await readMetadata(target, key);
  if (!metadata) throw new VaultError(404, []);
  return vaultOk(vaultMetadata(metadata));
}
