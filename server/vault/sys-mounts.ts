// /v1/sys/internal/ui/mounts/{path}: the probe the `vault kv` CLI makes to learn a mount's KV
// version. The lab has one mount, `secret/`, KV version 2.
import { VaultError, vaultOk, type VaultRequest, type VaultResponse } from './vault-http.ts';

export function uiMounts(request: VaultRequest, path: readonly string[]): VaultResponse {
  if (request.method !== 'GET' || path[0] !== 'secret') throw new VaultError(404, [`no mount at ${path.join('/')}; the lab has secret/ (KV v2)`]);
  return vaultOk({
    accessor: 'kv_raftlab',
    config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
    description: 'raftlab KV v2, replicated by Raft',
    external_entropy_access: false,
    local: false,
    options: { version: '2' },
    path: 'secret/',
    seal_wrap: false,
    type: 'kv',
    uuid: '00000000-0000-4000-8000-000000000001',
  });
}
