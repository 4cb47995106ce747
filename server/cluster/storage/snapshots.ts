// Snapshot files: snap-<index>-<term>.json (both numbers zero-padded to 16 digits so names sort),
// each holding the metadata and the state machine's image, as two lines:
//
//   {"version":2,"metadata":{"index":100,"term":3,"config":{...}},"dataCrc32c":123,"dataBytes":4567}
//   <the image's bytes, UTF-8, as they are: for the KV store, its JSON text>
//
// The first line is a JSON header; after its newline come exactly dataBytes bytes of data. Version
// 1 put the data inside the JSON as a string: escaping and unescaping 26 MB of JSON text (every
// quote in it) was a third of the cost of a large compaction. Version 1 files are still read.
//
// Written atomically like hardstate.json. Only the newest snapshot is kept: the WAL segments it
// covers are deleted, so an older one could not be completed into a full state anyway. The data
// carries its own CRC-32C because a flipped bit in a long text still parses.

import fs from 'node:fs';
import path from 'node:path';
import type { MembershipConfig, Snapshot } from '../../../shared/raft/types.ts';
import { writeFileAtomic, writeFileAtomicAsync } from './atomic-file.ts';
import { crc32c, crc32cOfText } from './crc32c.ts';
import { NO_LEDGER, type DiskLedger } from './durability-ledger.ts';
import { StorageFileError } from './errors.ts';

export interface SnapshotFileInfo {
  readonly file: string;
  readonly index: number;
  readonly term: number;
  readonly bytes: number;
}

const NAME = /^snap-(\d{16})-(\d{16})\.json$/;

export function snapshotFileName(index: number, term: number): string {
  return `snap-${String(index).padStart(16, '0')}-${String(term).padStart(16, '0')}.json`;
}

export function parseSnapshotFileName(name: string): { index: number; term: number } | null {
  const m = NAME.exec(name);
  return m ? { index: Number(m[1]), term: Number(m[2]) } : null;
}

/** A snapshot's data made ready for its file ahead of time (snapshot-encoder.ts): its UTF-8 bytes,
 *  in chunks, and their CRC-32C. */
export interface PreparedSnapshotData {
  readonly chunks: readonly Buffer[];
  readonly crc32c: number;
}

/** The header line, newline included. */
function fileHeader(metadata: Snapshot['metadata'], dataCrc32c: number, dataBytes: number): Buffer {
  const { index, term, config } = metadata;
  const header = { version: 2, metadata: { index, term, config: { voters: config.voters, learners: config.learners, votersOutgoing: config.votersOutgoing } }, dataCrc32c, dataBytes };
  return Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
}

/** Durably writes the snapshot file; the caller deletes older ones once this returns. */
export function writeSnapshot(dir: string, snapshot: Snapshot, ledger: DiskLedger = NO_LEDGER): SnapshotFileInfo {
  const { index, term } = snapshot.metadata;
  const file = snapshotFileName(index, term);
  const data = Buffer.from(snapshot.data, 'utf8');
  const bytes = writeFileAtomic(dir, file, Buffer.concat([fileHeader(snapshot.metadata, crc32c(data), data.length), data]), ledger);
  ledger.snapshotDurable(index, term);
  return { file, index, term, bytes };
}

/**
 * The same file as writeSnapshot, from data prepared ahead of time, written off the calling thread
 * (libuv's pool): the node goes on stepping while 26 MB reach the disk. Same atomic sequence.
 */
export async function writeSnapshotPrepared(dir: string, metadata: Snapshot['metadata'], prepared: PreparedSnapshotData, ledger: DiskLedger = NO_LEDGER): Promise<SnapshotFileInfo> {
  const { index, term } = metadata;
  const file = snapshotFileName(index, term);
  const dataBytes = prepared.chunks.reduce((n, chunk) => n + chunk.length, 0);
  const bytes = await writeFileAtomicAsync(dir, file, [fileHeader(metadata, prepared.crc32c, dataBytes), ...prepared.chunks], ledger);
  ledger.snapshotDurable(index, term);
  return { file, index, term, bytes };
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Reads and validates one snapshot file; any damage is a StorageFileError naming the file. */
export function readSnapshot(dir: string, file: string): { snapshot: Snapshot; info: SnapshotFileInfo } {
  const named = parseSnapshotFileName(file);
  if (!named) throw new StorageFileError(file, 'not a snapshot file name');
  const bytes = fs.readFileSync(path.join(dir, file));
  const newline = bytes.indexOf(0x0a);
  // Version 1 is one JSON object with no raw newline in it; version 2 starts with a header line.
  const { header, data } = newline === -1 ? readVersion1(file, bytes) : readVersion2(file, bytes, newline);
  const meta = header['metadata'] as Record<string, unknown> | null | undefined;
  if (typeof meta !== 'object' || meta === null) throw new StorageFileError(file, 'metadata missing');
  if (!isIndex(meta.index) || !isIndex(meta.term)) throw new StorageFileError(file, 'metadata.index and metadata.term must be integers >= 0');
  if (meta.index !== named.index || meta.term !== named.term) {
    throw new StorageFileError(file, `metadata says index ${meta.index} term ${meta.term}, the file name says otherwise`);
  }
  const cfg = meta.config as Record<string, unknown> | null | undefined;
  if (typeof cfg !== 'object' || cfg === null || !isStringArray(cfg.voters) || !isStringArray(cfg.learners) || !isStringArray(cfg.votersOutgoing)) {
    throw new StorageFileError(file, 'metadata.config must have string arrays voters, learners, votersOutgoing');
  }
  const config: MembershipConfig = { voters: cfg.voters, learners: cfg.learners, votersOutgoing: cfg.votersOutgoing };
  return {
    snapshot: { metadata: { index: meta.index, term: meta.term, config }, data },
    info: { file, index: meta.index, term: meta.term, bytes: bytes.length },
  };
}

function parseObject(file: string, text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StorageFileError(file, `${what} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StorageFileError(file, `${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}

function readVersion1(file: string, bytes: Buffer): { header: Record<string, unknown>; data: string } {
  const o = parseObject(file, bytes.toString('utf8'), 'the file');
  if (o['version'] !== 1) throw new StorageFileError(file, `unsupported version ${JSON.stringify(o['version'])}`);
  if (typeof o['data'] !== 'string') throw new StorageFileError(file, 'data must be a string');
  if (o['dataCrc32c'] !== crc32cOfText(o['data'])) throw new StorageFileError(file, 'data does not match its CRC-32C');
  return { header: o, data: o['data'] };
}

function readVersion2(file: string, bytes: Buffer, newline: number): { header: Record<string, unknown>; data: string } {
  const header = parseObject(file, bytes.subarray(0, newline).toString('utf8'), 'the header line');
  if (header['version'] !== 2) throw new StorageFileError(file, `unsupported version ${JSON.stringify(header['version'])}`);
  const data = bytes.subarray(newline + 1);
  if (header['dataBytes'] !== data.length) throw new StorageFileError(file, `the header says ${JSON.stringify(header['dataBytes'])} bytes of data, the file has ${data.length}`);
  if (header['dataCrc32c'] !== crc32c(data)) throw new StorageFileError(file, 'data does not match its CRC-32C');
  return { header, data: data.toString('utf8') };
}

/** Snapshot file names in `names`, newest (highest index, then term) first. */
export function snapshotFilesNewestFirst(names: readonly string[]): string[] {
  return names
    .filter((n) => parseSnapshotFileName(n) !== null)
    .sort()
    .reverse(); // fixed-width names: lexical order is (index, term) order
}

/** Deletes every snapshot file except `keep`; the caller fsyncs the directory. */
export function removeSnapshotsExcept(dir: string, keep: string | null, ledger: DiskLedger = NO_LEDGER): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const named = parseSnapshotFileName(name);
    if (name !== keep && named !== null) {
      fs.unlinkSync(path.join(dir, name));
      ledger.snapshotDeleted(named.index, named.term);
      removed.push(name);
    }
  }
  return removed;
}
