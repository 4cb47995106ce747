// A real syscall's disk error, said the way an injected fault says it (shared/node/disk.ts
// DiskFailure), so the node runtime has one path for both: EIO stops the node (never a retried
// fsync: fsyncgate), ENOSPC leaves the write to be tried again once space is freed. The libfiu test
// (server/cluster/libfiu.test.ts) makes the kernel's own fdatasync return EIO to prove it.
import { DiskFailure } from '../../../shared/node/disk.ts';

/** errno codes that mean the medium failed or filled, by what the node must do about them. */
const FAILED = new Set(['EIO', 'EROFS']);
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** `error` as a DiskFailure when it is a disk's EIO or ENOSPC (already one: as it is); otherwise unchanged. */
export function asDiskFailure(error: unknown, syscall: string, file: string): unknown {
  if (error instanceof DiskFailure) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  if (FAILED.has(code)) return new DiskFailure('EIO', syscall, file, { cause: error });
  if (FULL.has(code)) return new DiskFailure('ENOSPC', syscall, file, { cause: error });
  return error;
}

/** Runs one syscall, its disk error (if any) as a DiskFailure naming the call and the file. */
export function diskCall<T>(syscall: string, file: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asDiskFailure(error, syscall, file);
  }
}

/** diskCall for a promise (the background snapshot's writes on libuv's pool). */
export async function diskCallAsync<T>(syscall: string, file: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asDiskFailure(error, syscall, file);
  }
}
