export { InvariantMonitor } from './invariants.ts';
export type { Observation, ObservedEntry, ObservedRole, InvariantName, Violation } from './observations.ts';
export { checkLinearizability, HistoryError } from './linearizability.ts';
export type { LinearizabilityResult } from './linearizability.ts';
export { describeOp, stepRegister, EMPTY_REGISTER } from './kv-model.ts';
export type { Op, KvOpInput, KvOpOutput, RegisterState } from './kv-model.ts';
export { isLinearizable } from './wgl.ts';
export { randomHistory } from './random-history.ts';
export type { RandomHistoryOptions } from './random-history.ts';
