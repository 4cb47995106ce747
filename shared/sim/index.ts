export { runSimulation, replayCommand } from './simulator.ts';
export type { SimResult, SimFailure } from './simulator.ts';
export { DEFAULT_OPTIONS, TICK_MS, LIVENESS_TICKS, faultProfile } from './options.ts';
export type { SimOptions, FaultProfile } from './options.ts';
