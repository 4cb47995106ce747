// Reads for the KV routes, all through the runtime's client gateway at the target's consistency:
// a node's own URL reads that node's state machine (stale, like a Vault standby read); the
// cluster's URL reads through the leader (linearizable, ReadIndex). Values, older versions,
// metadata and folder listings are each one read of the serving node.
import type { KvEntry, KvMetadata } from '../../shared/kv/store.ts';
import type { Consistency } from '../../shared/protocol/events.ts';
import type { VaultTarget } from './vault-http.ts';

export interface LatestRead {
  /** null: the key never existed, or its latest version is deleted. */
  readonly data: Record<string, unknown> | null;
  readonly version: number;
  /** The node that answered. */
  readonly node: string | null;
  readonly createdTime: number | null;
  readonly deletionTime: number | null;
}

function consistencyOf(target: VaultTarget): Consistency {
  return target.node ? 'stale' : 'linearizable';
}

function objectOrNull(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export async function readLatest(target: VaultTarget, key: string): Promise<LatestRead> {
  const result = await target.session.cluster.client.read(key, consistencyOf(target), target.node ?? undefined);
  return {
    data: objectOrNull(result['data']),
    version: numberOrNull(result['version']) ?? 0,
    node: typeof result['node'] === 'string' ? result['node'] : null,
    createdTime: numberOrNull(result['createdTime']),
    deletionTime: numberOrNull(result['deletionTime']),
  };
}

/** One version of a key; undefined if it never existed or is no longer kept. */
export async function readVersion(target: VaultTarget, key: string, version: number): Promise<KvEntry | undefined> {
  const result = await target.session.cluster.client.read(key, consistencyOf(target), target.node ?? undefined, { what: 'value', version });
  if (numberOrNull(result['createdTime']) === null) return undefined;
  const deleted = result['deleted'] === true;
  return {
    data: deleted ? null : objectOrNull(result['data']),
    version: numberOrNull(result['version']) ?? version,
    createdTime: numberOrNull(result['createdTime']) ?? 0,
    updatedTime: numberOrNull(result['updatedTime']) ?? 0,
    deletionTime: numberOrNull(result['deletionTime']),
    deleted,
  };
}

/** A key's Vault metadata as the serving node holds it; null if the key does not exist. */
export async function readMetadata(target: VaultTarget, key: string): Promise<KvMetadata | null> {
  const result = await target.session.cluster.client.read(key, consistencyOf(target), target.node ?? undefined, { what: 'metadata' });
  return (objectOrNull(result['metadata']) as KvMetadata | null) ?? null;
}

/** Vault's LIST: the children of a folder (soft-deleted keys included, as Vault lists them). */
export async function listKeys(target: VaultTarget, prefix: string): Promise<string[] | null> {
  const result = await target.session.cluster.client.read(prefix, consistencyOf(target), target.node ?? undefined, { what: 'list' });
  const keys = Array.isArray(result['keys']) ? result['keys'].filter((k): k is string => typeof k === 'string') : [];
  return keys.length === 0 ? null : keys;
}
