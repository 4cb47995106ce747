// SHA256SUMS.sealed: Vault seals the archive's sums with the cluster's seal, and a restore without
// force opens them with its own: another cluster's snapshot (other unseal keys) does not open, and
// Vault says to use snapshot-force. The lab has no seal, so its "seal" is an HMAC-SHA256 of the
// sums keyed by the cluster's id (derived from its name, as sys/health's cluster_id is), carried
// with the sums and the cluster's name. It tells this cluster's snapshots from another's and
// catches a changed file whose sums were rewritten; it is not a secret (anyone who knows the
// cluster's name can make one), and it needs none: a restore needs the cluster's token anyway.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { clusterId } from './sys-health.ts';
import { SnapshotArchiveError } from './snapshot-archive.ts';

const SEAL_FORMAT = 'raftlab-seal/1';

const sealedSchema = z.object({
  format: z.literal(SEAL_FORMAT),
  cluster: z.string().max(100),
  sums: z.string().max(8192),
  hmac: z.string().regex(/^[0-9a-f]{64}$/),
});

function mac(cluster: string, sums: string): Buffer {
  return createHmac('sha256', `raftlab-seal:${clusterId(cluster)}`).update(sums).digest();
}

export function sealSums(cluster: string, sums: Buffer): Buffer {
  const text = sums.toString('utf8');
  return Buffer.from(JSON.stringify({ format: SEAL_FORMAT, cluster, sums: text, hmac: mac(cluster, text).toString('hex') }));
}

/** The sums inside SHA256SUMS.sealed, if this cluster sealed them; otherwise an error that says
 *  `failed to open the sealed hashes` (Vault's words) with the cluster it came from, when known. */
export function openSums(cluster: string, sealed: Buffer): { sums: Buffer } {
  let parsed: z.infer<typeof sealedSchema>;
  try {
    parsed = sealedSchema.parse(JSON.parse(sealed.toString('utf8')));
  } catch {
    throw new SnapshotArchiveError('failed to read snapshot file: failed to open the sealed hashes: SHA256SUMS.sealed is missing or not sealed by a raftlab cluster', 'sealed');
  }
  const expected = mac(cluster, parsed.sums);
  if (!timingSafeEqual(expected, Buffer.from(parsed.hmac, 'hex'))) {
    const from = parsed.cluster === cluster ? 'SHA256SUMS.sealed was changed after it was sealed' : `sealed by cluster ${JSON.stringify(parsed.cluster.slice(0, 40))}, not ${cluster}`;
    throw new SnapshotArchiveError(`failed to read snapshot file: failed to open the sealed hashes: ${from}`, 'sealed');
  }
  return { sums: Buffer.from(parsed.sums, 'utf8') };
}
