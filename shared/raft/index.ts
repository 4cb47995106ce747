// The public surface of the consensus core.
export type * from './types.ts';
export * from './options.ts';
export * from './messages.ts';
export * from './config.ts';
export * from './switches.ts';
export * from './prng.ts';
export * from './describe.ts';
export { coalesceMessages } from './coalesce.ts';
export { RawNode } from './raw-node.ts';
export type { RaftReady, Status, ProgressStatus } from './raw-node.ts';
export type { ProgressState } from './progress.ts';
export type { SnapshotSource } from './raft-log.ts';
export { committedIndex, voteResult, hasQuorum } from './quorum.ts';
export type { VoteResult } from './quorum.ts';
export { TestNetwork, figureLog, logShape } from './test-network.ts';
export type { Disk, NodeOptions } from './test-network.ts';
