// Reads for the KV routes. The current version of a key is read through the runtime's client
// gateway at the target's consistency: a node's own URL reads that node's state machine (stale,
// like a Vault standby read); the cluster's URL reads through the leader (linearizable).
// Older versions, metadata and version times are not carried by the node's read answer yet, so
// they come from the leader's state-machine image (saveSnapshot: a read, no side effect), decoded
// by the same KvStore the nodes run.
import { KvStore } from '../../shared/kv/store.ts';
import type { KvEntry } from '../../shared/kv/store.ts';
import { CommandError } from '../../shared/protocol/commands.ts';
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

export async function readLatest(target: VaultTarget, key: string): Promise<LatestRead> {
  const { cluster } = target.session;
  const result = target.node ? await cluster.client.read(key, 'stale', target.node) : await cluster.client.read(key, 'linearizable');
  const data = result['data'];
  return {
    data: data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null,
    version: typeof result['version'] === 'number' ? result['version'] : 0,
    node: typeof result['node'] === 'string' ? result['node'] : null,
    createdTime: typeof result['createdTime'] === 'number' ? result['createdTime'] : null,
    deletionTime: typeof result['deletionTime'] === 'number' ? result['deletionTime'] : null,
  };
}

/** The leader's store, or null when there is no leader right now (never waits for an election). */
export async function leaderImage(target: VaultTarget): Promise<KvStore | null> {
  const { cluster } = target.session;
  if (cluster.leader() === null) return null;
  const snapshot = await cluster.saveSnapshot();
  try {
    return KvStore.restore(snapshot.data);
  } catch {
    throw new CommandError('internal', 'the leader sent an unreadable state-machine image');
  }
}

/** One version of a key from the leader's image; throws 503 without a leader. */
export async function readVersion(target: VaultTarget, key: string, version: number): Promise<KvEntry | undefined> {
  const image = await leaderImage(target);
  if (!image) throw new CommandError('no-leader', 'reading an older version needs a leader; the cluster is electing or has no quorum');
  return image.get(key, version);
}

/** Vault's LIST from the serving node's state machine as the lab's view holds it. */
export function listKeys(target: VaultTarget, prefix: string): string[] | null {
  const { cluster } = target.session;
  const serving = target.node ?? cluster.leader();
  if (!serving) throw new CommandError('no-leader', 'listing through the cluster needs a leader; ask a node directly for a stale list');
  const node = cluster.view.nodes.find((candidate) => candidate.id === serving);
  if (!node || node.life !== 'alive') throw new CommandError('unavailable', `${serving} is down`);
  const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const children = new Set<string>();
  for (const key of Object.keys(node.kv)) {
    if (!key.startsWith(folder)) continue;
    const rest = key.slice(folder.length);
    const slash = rest.indexOf('/');
    children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return children.size === 0 ? null : [...children].sort();
}
