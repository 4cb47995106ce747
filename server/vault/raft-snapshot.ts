// /v1/sys/storage/raft/snapshot: GET saves the leader's state-machine image; POST restores one
// (through the log, so every node installs it). As in Vault, a snapshot from another cluster is
// refused by `snapshot` and accepted by `snapshot-force` — the disaster-recovery drill restores
// the old cluster's snapshot into a new one with snapshot-force.
import { MAX_RESTORE_BYTES } from '../../shared/kv/limits.ts';
import { SNAPSHOT_FORMAT } from '../../shared/kv/snapshot.ts';
import { isPlainObject } from '../../shared/kv/commands.ts';
import { NO_CONTENT, badRequest, unsupported, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';

export const SNAPSHOT_FILE_FORMAT = 'raftlab-snapshot/1';
/** Uploaded snapshot files are read up to this size: the file carries the store image (at most
 *  MAX_RESTORE_BYTES, checked once it is unwrapped) as an escaped JSON string, which is longer. */
export const MAX_SNAPSHOT_BYTES = 2 * MAX_RESTORE_BYTES;

export async function raftSnapshot(request: VaultRequest, target: VaultTarget, force: boolean): Promise<VaultResponse> {
  const { cluster } = target.session;
  if (request.method === 'GET' && !force) {
    const snapshot = await cluster.saveSnapshot();
    const file = { format: SNAPSHOT_FILE_FORMAT, cluster: target.session.name, index: snapshot.index, term: snapshot.term, keys: snapshot.keys, data: snapshot.data };
    return { status: 200, bytes: Buffer.from(JSON.stringify(file)), contentType: 'application/octet-stream' };
  }
  if (request.method !== 'POST' && request.method !== 'PUT') throw unsupported(request);
  const image = readSnapshotFile(await request.body(MAX_SNAPSHOT_BYTES), target.session.name, force);
  await cluster.restoreSnapshot(image);
  return NO_CONTENT;
}

/** The state-machine image inside an uploaded file, or a 400 that says what is wrong with it. */
function readSnapshotFile(bytes: Buffer, cluster: string, force: boolean): string {
  let file: unknown;
  try {
    file = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw badRequest('the snapshot is not a raftlab snapshot file (not JSON)');
  }
  if (!isPlainObject(file)) throw badRequest('the snapshot is not a raftlab snapshot file');
  // A bare state-machine image (no envelope) has no cluster name: only a forced restore takes it.
  if (file['format'] === SNAPSHOT_FORMAT) {
    if (!force) throw badRequest('this image does not say which cluster it came from; restore it with snapshot-force');
    return bytes.toString('utf8');
  }
  if (file['format'] !== SNAPSHOT_FILE_FORMAT || typeof file['data'] !== 'string') {
    throw badRequest(`the snapshot is not a raftlab snapshot file (format ${JSON.stringify(file['format'] ?? null).slice(0, 40)})`);
  }
  if (!force && file['cluster'] !== cluster) {
    throw badRequest(`the snapshot was taken from cluster ${JSON.stringify(file['cluster']).slice(0, 40)}, not ${cluster}; restore it with sys/storage/raft/snapshot-force`);
  }
  return file['data'];
}
