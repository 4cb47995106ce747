import { mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeFilesUnder } from './leaked-files.ts';

describe('closeFilesUnder', () => {
  it('closes the fds that point into a directory and leaves the others open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftlab-fd-'));
    const other = mkdtempSync(join(tmpdir(), 'raftlab-fd-other-'));
    writeFileSync(join(dir, 'wal.log'), 'x');
    writeFileSync(join(other, 'keep.log'), 'x');
    const before = readdirSync('/proc/self/fd').length;
    openSync(join(dir, 'wal.log'), 'r');
    openSync(join(dir, 'wal.log'), 'r');
    const kept = openSync(join(other, 'keep.log'), 'r');
    expect(closeFilesUnder(dir)).toBe(2);
    expect(readdirSync('/proc/self/fd').length).toBe(before + 1);
    expect(closeFilesUnder(other)).toBe(1);
    expect(() => openSync(join(other, 'keep.log'), 'r')).not.toThrow();
    expect(kept).toBeGreaterThan(2);
    rmSync(dir, { recursive: true });
    rmSync(other, { recursive: true });
  });
});
