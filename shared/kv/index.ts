export { encodeCommand, decodeCommand, validateCommand, validateKey, KvCommandError } from './commands.ts';
export type { KvCommand, KvPut, KvDelete } from './commands.ts';
export {
  MAX_KEY_BYTES,
  MAX_VALUE_BYTES,
  MAX_CLIENT_ID_BYTES,
  MAX_CLIENT_SESSIONS,
  MAX_VERSIONS_PER_KEY,
  MAX_KEYS,
} from './limits.ts';
export type { KvApplyResult, KvApplied, KvRefused, KvSessionResult } from './results.ts';
export { KvStore, KvApplyOrderError } from './store.ts';
export type { KvEntry, KvMetadata, KvVersionMetadata } from './store.ts';
export { KvSnapshotError, SNAPSHOT_FORMAT } from './snapshot.ts';
export { vaultReadData, vaultVersionMetadata, vaultMetadata, rfc3339 } from './vault.ts';
export type { VaultVersionMetadata } from './vault.ts';
