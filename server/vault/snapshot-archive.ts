// Vault's snapshot archive, as `vault operator raft snapshot save` writes it and the server reads it
// back (hashicorp/raft-snapshot archive.go): a gzip'd tar of meta.json (Raft's SnapshotMeta as JSON),
// state.bin (the state machine: for the lab, its KV image), SHA256SUMS (`<hex>  <name>` per file)
// and SHA256SUMS.sealed (the sums sealed by the cluster; Vault's client refuses an archive where it
// is missing or empty). The tar is tar-stream's (a well-kept streaming tar library) and the gzip
// node:zlib's. Errors read as Vault's own, so a person can search for them.
import { createHash } from 'node:crypto';
import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { extract, pack } from 'tar-stream';
import { MAX_RESTORE_BYTES } from '../../shared/kv/limits.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The files an archive holds, in the order Vault writes them. */
export const ARCHIVE_FILES = ['meta.json', 'state.bin', 'SHA256SUMS', 'SHA256SUMS.sealed'] as const;
type ArchiveFile = (typeof ARCHIVE_FILES)[number];
/** Vault reads meta.json and the sum files up to this many bytes (copyEOFOrN). */
const SMALL_FILE_LIMIT = 8192;
/** What an archive may unpack to: the store image's limit plus the tar headers and small files. */
export const MAX_UNPACKED_BYTES = MAX_RESTORE_BYTES + 64 * 1024;

/** A failure reading an archive, in Vault's words (`failed to read snapshot file: …`). */
export class SnapshotArchiveError extends Error {
  constructor(
    message: string,
    /** 'too-large' when it unpacks past MAX_UNPACKED_BYTES; 'sealed' when the seal does not open. */
    readonly kind: 'bad' | 'too-large' | 'sealed' = 'bad',
  ) {
    super(message);
    this.name = 'SnapshotArchiveError';
  }
}

export interface ArchiveContents {
  readonly meta: Buffer;
  readonly state: Buffer;
  readonly sums: Buffer;
  readonly sealed: Buffer;
}

/** SHA256SUMS as Vault writes it: one `<hex>  <name>` line per file. */
export function sumsOf(files: { readonly meta: Buffer; readonly state: Buffer }): Buffer {
  const line = (name: string, bytes: Buffer): string => `${createHash('sha256').update(bytes).digest('hex')}  ${name}\n`;
  return Buffer.from(line('meta.json', files.meta) + line('state.bin', files.state));
}

/** The gzip'd tar of the four files. */
export async function packArchive(contents: ArchiveContents): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  const mtime = new Date();
  const bytes: Record<ArchiveFile, Buffer> = { 'meta.json': contents.meta, 'state.bin': contents.state, SHA256SUMS: contents.sums, 'SHA256SUMS.sealed': contents.sealed };
  for (const name of ARCHIVE_FILES) tar.entry({ name, mode: 0o600, mtime, size: bytes[name].length }, bytes[name]);
  tar.finalize();
  await done;
  return gzipAsync(Buffer.concat(chunks));
}

/** Whether bytes start like gzip (Vault's archive) rather than JSON (the lab's older image file). */
export function looksGzipped(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The four files of an archive. Refuses, as Vault does, a file it does not expect, a sum file or
 *  meta.json past 8 KiB, and an archive without meta.json or state.bin (their sums must be there).
 *  The sums are checked by verifySums, once the caller knows whether the seal is to be opened. */
export async function unpackArchive(gzipped: Buffer): Promise<ArchiveContents> {
  let tarBytes: Buffer;
  try {
    tarBytes = await gunzipAsync(gzipped, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new SnapshotArchiveError(`the snapshot unpacks to more than ${MAX_UNPACKED_BYTES} bytes; the store image's limit is ${MAX_RESTORE_BYTES} (8 MiB)`, 'too-large');
    }
    throw new SnapshotArchiveError(`failed to decompress snapshot: ${(error as Error).message}`);
  }
  const files = new Map<ArchiveFile, Buffer>();
  const reader = extract();
  const read = (async () => {
    for await (const entry of reader) {
      const name = entry.header.name;
      if (!(ARCHIVE_FILES as readonly string[]).includes(name) || entry.header.type !== 'file') {
        entry.resume();
        throw new SnapshotArchiveError(`failed to read snapshot file: unexpected file ${JSON.stringify(name.slice(0, 100))} in snapshot`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      if (name !== 'state.bin' && bytes.length >= SMALL_FILE_LIMIT) {
        throw new SnapshotArchiveError(`failed to read snapshot file: failed to read snapshot ${name === 'meta.json' ? 'metadata' : 'hashes'}: read max specified bytes (${SMALL_FILE_LIMIT}) without EOF - possible truncation`);
      }
      files.set(name as ArchiveFile, bytes);
    }
  })();
  reader.end(tarBytes);
  try {
    await read;
  } catch (error) {
    reader.destroy();
    if (error instanceof SnapshotArchiveError) throw error;
    throw new SnapshotArchiveError(`failed to read snapshot file: failed reading snapshot: ${(error as Error).message}`);
  }
  const empty = Buffer.alloc(0);
  return { meta: files.get('meta.json') ?? empty, state: files.get('state.bin') ?? empty, sums: files.get('SHA256SUMS') ?? empty, sealed: files.get('SHA256SUMS.sealed') ?? empty };
}

/** Vault's DecodeAndVerify: every line of `sums` names a file whose hash matches, and both files
 *  have a line. Throws in Vault's words. */
export function verifySums(sums: Buffer, files: { readonly meta: Buffer; readonly state: Buffer }): void {
  const actual = new Map([
    ['meta.json', createHash('sha256').update(files.meta).digest('hex')],
    ['state.bin', createHash('sha256').update(files.state).digest('hex')],
  ]);
  const fail = (why: string): never => {
    throw new SnapshotArchiveError(`failed to read snapshot file: failed checking integrity of snapshot: ${why}`);
  };
  const seen = new Set<string>();
  for (const line of sums.toString('utf8').split('\n')) {
    if (line === '') continue;
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!match) fail(`malformed line ${JSON.stringify(line.slice(0, 80))} in SHA256SUMS`);
    const [, hash, file] = match!;
    const expected = actual.get(file!);
    if (expected === undefined) fail(`list missing hash for ${JSON.stringify(file!.slice(0, 100))}`);
    if (expected !== hash) fail(`hash check failed for ${JSON.stringify(file)}`);
    seen.add(file!);
  }
  for (const file of actual.keys()) if (!seen.has(file)) fail(`file missing for ${JSON.stringify(file)}`);
}
