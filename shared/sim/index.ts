export { runSimulation, replayCommand } from './simulator.ts';
export type { SimResult, SimFailure } from './simulator.ts';
export { DEFAULT_OPTIONS, TICK_MS, LIVENESS_TICKS, faultProfile } from './options.ts';
export type { SimOptions, FaultProfile } from './options.ts';
export { SimCluster, simOptionsFor, SIM_TICK_MS } from './sim-cluster.ts';
export type { SimClusterOptions } from './sim-cluster.ts';
