// hardstate.json: the node's current term and vote, the two facts Raft needs to survive a crash
// so that a node never votes twice in one term. Replaced atomically, and only when term or vote
// changes (a few times per election), so its two fsyncs are off the hot path. The commit index,
// which changes with every batch, lives in the WAL instead (see frames.ts).
//
// Format: {"version":1,"term":3,"vote":"n2"}   (vote null when the node has not voted this term)

import fs from 'node:fs';
import path from 'node:path';
import type { NodeId } from '../../../shared/raft/types.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { NO_LEDGER, type DiskLedger } from './durability-ledger.ts';
import { StorageFileError } from './errors.ts';

export const HARD_STATE_FILE = 'hardstate.json';

export interface TermVote {
  readonly term: number;
  readonly vote: NodeId | null;
}

/** The stored term and vote, or null when the file does not exist (a fresh or wiped node). */
export function readHardState(dir: string): TermVote | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, HARD_STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StorageFileError(HARD_STATE_FILE, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StorageFileError(HARD_STATE_FILE, 'expected a JSON object');
  }
  const o = value as Record<string, unknown>;
  if (o.version !== 1) throw new StorageFileError(HARD_STATE_FILE, `unsupported version ${JSON.stringify(o.version)}`);
  if (typeof o.term !== 'number' || !Number.isSafeInteger(o.term) || o.term < 0) {
    throw new StorageFileError(HARD_STATE_FILE, 'term must be an integer >= 0');
  }
  if (o.vote !== null && (typeof o.vote !== 'string' || o.vote.length === 0)) {
    throw new StorageFileError(HARD_STATE_FILE, 'vote must be a non-empty string or null');
  }
  return { term: o.term, vote: o.vote };
}

/** Durably replaces the stored term and vote (temp file, fsync, rename, directory fsync). */
export function writeHardState(dir: string, state: TermVote, ledger: DiskLedger = NO_LEDGER): number {
  const bytes = Buffer.from(JSON.stringify({ version: 1, term: state.term, vote: state.vote }) + '\n', 'utf8');
  writeFileAtomic(dir, HARD_STATE_FILE, bytes, ledger);
  // Only now, after the directory sync, is the new content the one a power cut leaves.
  ledger.hardStateDurable(bytes);
  return bytes.length;
}
