// Vault KV v2 wire shapes (snake_case, RFC 3339 times) for the HTTP layer, so that an
// off-the-shelf Vault client reads what it expects. Times are formatted from the values stored
// in the log; no clock is read here.
import type { KvEntry, KvMetadata } from './store.ts';

export interface VaultVersionMetadata {
  created_time: string;
  custom_metadata: null;
  /** Vault sends "" when the version is not deleted. */
  deletion_time: string;
  destroyed: boolean;
  version: number;
}

/** `data` of GET /v1/secret/data/:path. */
export function vaultReadData(entry: KvEntry): { data: Readonly<Record<string, unknown>> | null; metadata: VaultVersionMetadata } {
  return { data: entry.data, metadata: vaultVersionMetadata(entry.version, entry.createdTime, entry.deletionTime) };
}

/** `data` of PUT/POST /v1/secret/data/:path (and of a delete's follow-up read). */
export function vaultVersionMetadata(version: number, createdTime: number, deletionTime: number | null): VaultVersionMetadata {
  return {
    created_time: rfc3339(createdTime),
    custom_metadata: null,
    deletion_time: deletionTime === null ? '' : rfc3339(deletionTime),
    destroyed: false,
    version,
  };
}

/** `data` of GET /v1/secret/metadata/:path. */
export function vaultMetadata(meta: KvMetadata): Record<string, unknown> {
  const versions: Record<string, { created_time: string; deletion_time: string; destroyed: boolean }> = {};
  for (const [version, v] of Object.entries(meta.versions)) {
    versions[version] = {
      created_time: rfc3339(v.createdTime),
      deletion_time: v.deletionTime === null ? '' : rfc3339(v.deletionTime),
      destroyed: v.destroyed,
    };
  }
  return {
    cas_required: false,
    created_time: rfc3339(meta.createdTime),
    current_version: meta.currentVersion,
    custom_metadata: null,
    delete_version_after: '0s',
    max_versions: meta.maxVersions,
    oldest_version: meta.oldestVersion,
    updated_time: rfc3339(meta.updatedTime),
    versions,
  };
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
