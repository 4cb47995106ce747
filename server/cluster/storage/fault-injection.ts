// The real disk's faults (shared/node/disk-fault.ts) where the storage already stops before each
// write and sync: its ledger (durability-ledger.ts). withDiskFaults wraps the node's ledger so that
// every beforeWrite / beforeSync also asks the disk's DiskFaults: a refused operation throws the
// DiskFailure a real syscall would have made (nothing of it happens), and a slow sync really waits,
// on the node's own thread, inside the time the WAL measures as fsyncMs.
import type { DiskFaults } from '../../../shared/node/disk-fault.ts';
import type { DiskLedger } from './durability-ledger.ts';

/** Blocks this thread for `ms` (a worker's, which is the node's own: nothing else waits on it). */
export function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function withDiskFaults(ledger: DiskLedger, faults: DiskFaults, wait: (ms: number) => void = blockFor): DiskLedger {
  return {
    beforeSync(file, syscall) {
      ledger.beforeSync(file, syscall); // the power first: a cut node does not get to fail
      wait(faults.before({ op: 'sync', file, syscall }));
    },
    beforeWrite(file, grows) {
      ledger.beforeWrite(file, grows);
      faults.before({ op: 'write', file, grows });
    },
    segmentSynced: (base, bytes) => ledger.segmentSynced(base, bytes),
    segmentDeleted: (base) => ledger.segmentDeleted(base),
    hardStateDurable: (bytes) => ledger.hardStateDurable(bytes),
    snapshotDurable: (index, term) => ledger.snapshotDurable(index, term),
    snapshotDeleted: (index, term) => ledger.snapshotDeleted(index, term),
    opened: (found) => ledger.opened(found),
  };
}
