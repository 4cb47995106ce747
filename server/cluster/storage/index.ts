// Durable per-node storage: WAL segments with CRC-32C frames, an atomically replaced hard-state
// file and snapshot files. See node-storage.ts for the directory layout and write ordering, and
// frames.ts for the record format.

export { NodeStorage, wipe, DEFAULT_SEGMENT_BYTES } from './node-storage.ts';
export { CorruptLogError, StorageFileError } from './errors.ts';
export { crc32c } from './crc32c.ts';
export type {
  DiskInfo,
  PersistBatch,
  PersistStats,
  RecoveryReport,
  RestoredState,
  SegmentInfo,
  StorageOptions,
  TornTail,
} from './types.ts';
