// Reads for the KV routes, all through the runtime's client gateway at the target's consistency:
// a node's own URL reads that node's state machine (stale, like a Vault standby read); the
// cluster's URL reads through the leader (linearizable, ReadIndex). Values, older versions,
// metadata and folder listings are each one read of the serving node.
import type { KvEntry, KvMetadata } from '../../shared/kv/store.ts';
import type { Consistency } from '../../shared/protocol/events.ts';
import type { KvTarget } from './vault-http.ts';

export interface LatestRead {
  /** null: the key never existed, or its latest version is deleted. */
  readonly data: Record<string, unknown> | null;
  readonly version: number;
  /** The node that answered. */
  readonly node: string | null;
  readonly createdTime: number | null;
  readonly deletionTime: number | null;
}

/** Where a read is served, as a command's fields: a node's own URL reads that node (stale, unless
 *  the request asked for more), the cluster's reads through the leader. */
function servedBy(target: KvTarget): { readonly consistency: Consistency; readonly node?: string } {
  return target.node ? { consistency: target.consistency ?? 'stale', node: target.node } : { consistency: target.consistency ?? 'linearizable' };
}

export async function readLatest(target: KvTarget, key: string): Promise<LatestRead> {
  const result = await target.command({ type: 'get', key, ...servedBy(target) });
  return {
    data: result.data ?? null,
    version: result.version ?? 0,
    node: result.node,
    createdTime: result.createdTime ?? null,
    deletionTime: result.deletionTime ?? null,
  };
}

/** One version of a key; undefined if it never existed or is no longer kept. */
export async function readVersion(target: KvTarget, key: string, version: number): Promise<KvEntry | undefined> {
  const result = await target.command({ type: 'get', key, version, ...servedBy(target) });
  if (result.createdTime === undefined) return undefined;
  const deleted = result.deleted === true;
  return {
    data: deleted ? null : (result.data ?? null),
    version: result.version ?? version,
    createdTime: result.createdTime,
    updatedTime: result.updatedTime ?? 0,
    deletionTime: result.deletionTime ?? null,
    deleted,
  };
}

/** A key's Vault metadata as the serving node holds it; null if the key does not exist. */
export async function readMetadata(target: KvTarget, key: string): Promise<KvMetadata | null> {
  return (await target.command({ type: 'get-metadata', key, ...servedBy(target) })).metadata;
}

/** Vault's LIST: the children of a folder (soft-deleted keys included, as Vault lists them). */
export async function listKeys(target: KvTarget, prefix: string): Promise<string[] | null> {
  const { keys } = await target.command({ type: 'list-keys', prefix, ...servedBy(target) });
  return keys.length === 0 ? null : [...keys];
}
