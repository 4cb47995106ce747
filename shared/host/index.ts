// What every host of the core does the same way — the worker runtime (server/cluster) and the
// simulator (shared/sim) — so a view built from either reads and folds identically.
export * from './entry-view.ts';
export * from './network-commands.ts';
export * from './node-status.ts';
export * from './membership-plan.ts';
export * from './apply-committed.ts';
export * from './waiting-reads.ts';
export * from './until-definite.ts';
export * from './client-op-record.ts';
