// /v1/sys/storage/raft/snapshot: GET saves the leader's state-machine image in Vault's own archive
// layout (snapshot-archive.ts), so `vault operator raft snapshot save`, Vault's Go client and hvac
// take it as they take Vault's; POST restores one (through the log, so every node installs it). A
// restore takes that archive or the lab's earlier JSON file. As in Vault, a snapshot another
// cluster sealed is refused by `snapshot` and taken by `snapshot-force` — the disaster-recovery
// drill restores the old cluster's snapshot into a new one with snapshot-force.
import { MAX_RESTORE_BYTES } from '../../shared/kv/limits.ts';
import { SNAPSHOT_FORMAT } from '../../shared/kv/snapshot.ts';
import { isPlainObject } from '../../shared/kv/commands.ts';
import { SnapshotArchiveError, looksGzipped, packArchive, sumsOf, unpackArchive, verifySums } from './snapshot-archive.ts';
import { openSums, sealSums } from './snapshot-seal.ts';
import { raftAddress } from './raft-peers.ts';
import { NO_CONTENT, VaultError, badRequest, unsupported, type VaultRequest, type VaultResponse, type VaultTarget } from './vault-http.ts';

export const SNAPSHOT_FILE_FORMAT = 'raftlab-snapshot/1';
/** Uploaded snapshot files are read up to this size: the JSON file carries the store image (at most
 *  MAX_RESTORE_BYTES, checked once it is unwrapped) as an escaped JSON string, which is longer. */
export const MAX_SNAPSHOT_BYTES = 2 * MAX_RESTORE_BYTES;

/** Vault's own words when the seal does not open (vault/logical_system_raft.go, Shamir seal). */
const OTHER_SEAL = 'could not verify hash file, possibly the snapshot is using a different set of unseal keys; use the snapshot-force API to bypass this check';

export async function raftSnapshot(request: VaultRequest, target: VaultTarget, force: boolean): Promise<VaultResponse> {
  if (request.method === 'GET' && !force) return { status: 200, bytes: await saveArchive(target), contentType: 'application/gzip' };
  if (request.method !== 'POST' && request.method !== 'PUT') throw unsupported(request);
  const body = await request.body(MAX_SNAPSHOT_BYTES);
  const image = looksGzipped(body) ? await readArchive(body, target.session.name, force) : readSnapshotFile(body, target.session.name, force);
  await target.session.cluster.restoreSnapshot(image);
  return NO_CONTENT;
}

async function saveArchive(target: VaultTarget): Promise<Buffer> {
  const { cluster, name } = target.session;
  const snapshot = await cluster.saveSnapshot();
  const state = Buffer.from(snapshot.data, 'utf8');
  // hashicorp/raft's SnapshotMeta as Go's json.Encoder writes it (a newline after). The
  // configuration is the leader's as it answers; the lab does not keep the index it was committed
  // at, so ConfigurationIndex is 0. Go's decoder ignores the extra Raftlab field.
  const leader = cluster.view.nodes.find((node) => node.id === cluster.leader());
  const config = leader?.config;
  const servers = config ? [...new Set([...config.voters, ...config.votersOutgoing, ...config.learners])] : [];
  const meta = Buffer.from(
    `${JSON.stringify({
      Version: 1,
      ID: `${snapshot.term}-${snapshot.index}-${Date.now()}`,
      Index: snapshot.index,
      Term: snapshot.term,
      Peers: null,
      Configuration: { Servers: servers.map((id) => ({ Suffrage: config!.learners.includes(id) ? 1 : 0, ID: id, Address: raftAddress(name, id) })) },
      ConfigurationIndex: 0,
      Size: state.length,
      Raftlab: { format: SNAPSHOT_FORMAT, cluster: name, keys: snapshot.keys },
    })}\n`,
  );
  const sums = sumsOf({ meta, state });
  return packArchive({ meta, state, sums, sealed: sealSums(name, sums) });
}

/** The store image inside a Vault archive, checked as Vault checks it: the seal opened by this
 *  cluster (unless forced) and its sums, then the archive's own SHA256SUMS. */
async function readArchive(bytes: Buffer, cluster: string, force: boolean): Promise<string> {
  try {
    const files = await unpackArchive(bytes);
    if (files.meta.length > 0) {
      try {
        JSON.parse(files.meta.toString('utf8'));
      } catch (error) {
        throw new SnapshotArchiveError(`failed to read snapshot file: failed to decode snapshot metadata: ${(error as Error).message}`);
      }
    }
    if (!force) verifySums(openSums(cluster, files.sealed).sums, files);
    verifySums(files.sums, files);
    return files.state.toString('utf8');
  } catch (error) {
    if (!(error instanceof SnapshotArchiveError)) throw error;
    if (error.kind === 'sealed') throw badRequest(`${OTHER_SEAL} (${error.message.replace(/^.*failed to open the sealed hashes: /, '')})`);
    // Vault answers a file it cannot read with 500; the lab says it is the request (400).
    throw new VaultError(error.kind === 'too-large' ? 413 : 400, [error.message]);
  }
}

/** The state-machine image inside the lab's JSON snapshot file, or a 400 that says what is wrong. */
function readSnapshotFile(bytes: Buffer, cluster: string, force: boolean): string {
  let file: unknown;
  try {
    file = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw badRequest("the snapshot is neither Vault's snapshot archive (a gzip'd tar) nor a raftlab JSON snapshot file");
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
    throw badRequest(`${OTHER_SEAL} (the snapshot was taken from cluster ${JSON.stringify(file['cluster']).slice(0, 40)}, not ${cluster})`);
  }
  return file['data'];
}
