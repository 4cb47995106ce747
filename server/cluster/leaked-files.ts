// worker.terminate() stops a thread but does not close the files it opened: fds belong to the
// process. After a node's worker exits, close whatever still points into its directory, or every
// kill would leak a WAL handle (and a lab is a place where nodes are killed all day).
import { closeSync, readdirSync, readlinkSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/** Closes this process's fds that point into `dir`; returns how many. Linux only (/proc); elsewhere 0. */
export function closeFilesUnder(dir: string): number {
  const root = resolve(dir) + sep;
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return 0;
  }
  let closed = 0;
  for (const name of fds) {
    const fd = Number(name);
    try {
      if (!readlinkSync(`/proc/self/fd/${name}`).startsWith(root)) continue;
      closeSync(fd);
      closed += 1;
    } catch {
      // Gone already, or not ours to read: nothing to close.
    }
  }
  return closed;
}
