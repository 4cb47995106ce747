// Shared fixtures for the storage tests: real temp directories (cleaned up) and entry builders.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entry, Snapshot } from '../../../shared/raft/types.ts';

export function makeTempRoot(): { root: string; nodeDir: (name?: string) => string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-storage-'));
  return {
    root,
    nodeDir: (name = 'n1') => path.join(root, 'default', name),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export function entry(index: number, term: number, data = `cmd-${index}-t${term}`): Entry {
  return { index, term, type: 'normal', data };
}

export function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

export function snapshot(index: number, term: number, data = `state@${index}`): Snapshot {
  return { metadata: { index, term, config: { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] } }, data };
}

export function walFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.startsWith('wal-')).sort();
}
