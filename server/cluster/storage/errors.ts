// Errors the storage layer throws when what is on disk cannot be trusted. They carry the file
// (and, for the WAL, the byte offset) so an operator - or a student looking at the UI - can go
// and look at the exact bytes. Recovery never skips damaged data silently: it either truncates a
// torn tail (and says so in the RecoveryReport) or throws one of these.

/** A WAL record that is damaged (or inconsistent with its neighbours) somewhere other than the tail. */
export class CorruptLogError extends Error {
  override readonly name = 'CorruptLogError';
  constructor(
    /** Segment file name, e.g. "wal-0000000000000001.log". */
    readonly segment: string,
    /** Byte offset of the start of the bad record within the segment. */
    readonly offset: number,
    /** What is wrong, in words. */
    readonly reason: string,
  ) {
    super(`corrupt WAL record in ${segment} at byte ${offset}: ${reason}`);
  }
}

/** hardstate.json or a snapshot file that is unreadable or has the wrong shape. */
export class StorageFileError extends Error {
  override readonly name = 'StorageFileError';
  constructor(
    /** File name inside the node directory. */
    readonly file: string,
    readonly reason: string,
  ) {
    super(`bad storage file ${file}: ${reason}`);
  }
}
