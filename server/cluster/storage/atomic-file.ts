// Crash-safe replacement of a small file, and the directory fsync that makes renames and
// creations durable. Used for hardstate.json and snapshot files.
//
// The sequence is the classic one: write "<name>.tmp", fsync it, rename over "<name>", fsync
// the directory. After a crash the reader sees either the old file or the new one, never a mix;
// a leftover ".tmp" is garbage from an interrupted write and is deleted on open.

import fs from 'node:fs';
import path from 'node:path';

export const TEMP_SUFFIX = '.tmp';

/** Writes all of `buf` at `position`, looping because writeSync may write less than asked. */
export function writeFully(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Makes creations, renames and unlinks inside `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Atomically replaces `dir/name` with `data`. Returns the number of bytes written. */
export function writeFileAtomic(dir: string, name: string, data: string): number {
  const bytes = Buffer.from(data, 'utf8');
  const tmp = path.join(dir, name + TEMP_SUFFIX);
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(fd, bytes, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  fsyncDir(dir);
  return bytes.length;
}
