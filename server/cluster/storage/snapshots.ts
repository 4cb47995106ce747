// Snapshot files: snap-<index>-<term>.json (both numbers zero-padded to 16 digits so names sort),
// each holding the metadata and the state machine's image:
//
//   {"version":1,"metadata":{"index":100,"term":3,"config":{...}},"dataCrc32c":123,"data":"..."}
//
// Written atomically like hardstate.json. Only the newest snapshot is kept: the WAL segments it
// covers are deleted, so an older one could not be completed into a full state anyway. The data
// carries its own CRC-32C because a bit flip inside a long JSON string still parses.

import fs from 'node:fs';
import path from 'node:path';
import type { MembershipConfig, Snapshot } from '../../../shared/raft/types.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { crc32cOfText } from './crc32c.ts';
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

/** Durably writes the snapshot file; the caller deletes older ones once this returns. */
export function writeSnapshot(dir: string, snapshot: Snapshot): SnapshotFileInfo {
  const { index, term, config } = snapshot.metadata;
  const file = snapshotFileName(index, term);
  const body = {
    version: 1,
    metadata: { index, term, config: { voters: config.voters, learners: config.learners, votersOutgoing: config.votersOutgoing } },
    dataCrc32c: crc32cOfText(snapshot.data),
    data: snapshot.data,
  };
  const bytes = writeFileAtomic(dir, file, JSON.stringify(body));
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
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StorageFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StorageFileError(file, 'expected a JSON object');
  const o = value as Record<string, unknown>;
  if (o.version !== 1) throw new StorageFileError(file, `unsupported version ${JSON.stringify(o.version)}`);
  const meta = o.metadata as Record<string, unknown> | null | undefined;
  if (typeof meta !== 'object' || meta === null) throw new StorageFileError(file, 'metadata missing');
  if (!isIndex(meta.index) || !isIndex(meta.term)) throw new StorageFileError(file, 'metadata.index and metadata.term must be integers >= 0');
  if (meta.index !== named.index || meta.term !== named.term) {
    throw new StorageFileError(file, `metadata says index ${meta.index} term ${meta.term}, the file name says otherwise`);
  }
  const cfg = meta.config as Record<string, unknown> | null | undefined;
  if (typeof cfg !== 'object' || cfg === null || !isStringArray(cfg.voters) || !isStringArray(cfg.learners) || !isStringArray(cfg.votersOutgoing)) {
    throw new StorageFileError(file, 'metadata.config must have string arrays voters, learners, votersOutgoing');
  }
  if (typeof o.data !== 'string') throw new StorageFileError(file, 'data must be a string');
  if (o.dataCrc32c !== crc32cOfText(o.data)) throw new StorageFileError(file, 'data does not match its CRC-32C');
  const config: MembershipConfig = { voters: cfg.voters, learners: cfg.learners, votersOutgoing: cfg.votersOutgoing };
  return {
    snapshot: { metadata: { index: meta.index, term: meta.term, config }, data: o.data },
    info: { file, index: meta.index, term: meta.term, bytes: Buffer.byteLength(text, 'utf8') },
  };
}

/** Snapshot file names in `names`, newest (highest index, then term) first. */
export function snapshotFilesNewestFirst(names: readonly string[]): string[] {
  return names
    .filter((n) => parseSnapshotFileName(n) !== null)
    .sort()
    .reverse(); // fixed-width names: lexical order is (index, term) order
}

/** Deletes every snapshot file except `keep`; the caller fsyncs the directory. */
export function removeSnapshotsExcept(dir: string, keep: string | null): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (name !== keep && parseSnapshotFileName(name) !== null) {
      fs.unlinkSync(path.join(dir, name));
      removed.push(name);
    }
  }
  return removed;
}
