// Crash-safe replacement of a small file, and the directory fsync that makes renames and
// creations durable. Used for hardstate.json and snapshot files.
//
// The sequence is the classic one: write "<name>.tmp", fsync it, rename over "<name>", fsync
// the directory. After a crash the reader sees either the old file or the new one, never a mix;
// a leftover ".tmp" is garbage from an interrupted write and is deleted on open.
//
// Each sync first asks the ledger whether the power is still on (durability-ledger.ts); the caller
// records what the whole sequence made durable once it returns.

import fs from 'node:fs';
import path from 'node:path';
import { NO_LEDGER, type DiskLedger } from './durability-ledger.ts';
import { diskCall, diskCallAsync } from './disk-errors.ts';

/** What a message calls a node's directory when its sync fails. */
const DIRECTORY = 'the node directory';

export const TEMP_SUFFIX = '.tmp';

/** Writes all of `buf` at `position`, looping because writeSync may write less than asked. */
export function writeFully(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Makes creations, renames and unlinks inside `dir` durable. */
export function fsyncDir(dir: string, ledger: DiskLedger = NO_LEDGER): void {
  const fd = fs.openSync(dir, 'r');
  try {
    ledger.beforeSync(DIRECTORY, 'fsync');
    diskCall('fsync', DIRECTORY, () => fs.fsyncSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/** Atomically replaces `dir/name` with `data`. Returns the number of bytes written. */
export function writeFileAtomic(dir: string, name: string, data: string | Buffer, ledger: DiskLedger = NO_LEDGER): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = path.join(dir, name + TEMP_SUFFIX);
  ledger.beforeWrite(name, true);
  const fd = diskCall('open', name, () => fs.openSync(tmp, 'w'));
  try {
    diskCall('write', name, () => writeFully(fd, bytes, 0));
    ledger.beforeSync(name, 'fsync');
    diskCall('fsync', name, () => fs.fsyncSync(fd));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  fsyncDir(dir, ledger);
  return bytes.length;
}

/** Makes creations, renames and unlinks inside `dir` durable, without blocking the thread. */
export async function fsyncDirAsync(dir: string, ledger: DiskLedger = NO_LEDGER): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    ledger.beforeSync(DIRECTORY, 'fsync');
    await diskCallAsync('fsync', DIRECTORY, () => handle.sync());
  } finally {
    await handle.close();
  }
}

const WRITE_BATCH_BYTES = 1 << 20;

/**
 * writeFileAtomic for large files, off the calling thread: the same write, fsync, rename and
 * directory fsync, each on libuv's pool. Returns the number of bytes written.
 */
export async function writeFileAtomicAsync(dir: string, name: string, chunks: readonly Uint8Array[], ledger: DiskLedger = NO_LEDGER): Promise<number> {
  // Its own temporary name: a synchronous write of the same file meanwhile cannot interleave with it.
  const tmp = path.join(dir, `${name}.async${TEMP_SUFFIX}`);
  ledger.beforeWrite(name, true);
  const handle = await diskCallAsync('open', name, () => fs.promises.open(tmp, 'w'));
  let position = 0;
  try {
    for (let i = 0; i < chunks.length; ) {
      // About a megabyte per writev: few trips to the pool, no copy into one big buffer.
      const group: Uint8Array[] = [];
      let size = 0;
      while (i < chunks.length && (group.length === 0 || size + chunks[i]!.length <= WRITE_BATCH_BYTES)) {
        size += chunks[i]!.length;
        group.push(chunks[i++]!);
      }
      const { bytesWritten } = await handle.writev(group, position);
      // A write may take less than asked; go on from where it stopped.
      const rest = bytesWritten < size ? Buffer.concat(group).subarray(bytesWritten) : null;
      for (let done = 0; rest && done < rest.length; ) {
        done += (await handle.write(rest, done, rest.length - done, position + bytesWritten + done)).bytesWritten;
      }
      position += size;
    }
    ledger.beforeSync(name, 'fsync');
    await diskCallAsync('fsync', name, () => handle.sync());
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, path.join(dir, name));
  await fsyncDirAsync(dir, ledger);
  return position;
}
