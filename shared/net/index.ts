export { NetworkModel } from './model.ts';
export type { Route, DropReason, Direction, NetworkSettingsJson } from './model.ts';
export { DEFAULT_LINK, MAX_DELAY, NetworkSettingsError, validateLinkPatch, validateLinkSettings } from './settings.ts';
export type { LinkSettings, NodeId } from './settings.ts';
export { isolateGroups, majorityMinorityGroups, fullySplitGroups } from './presets.ts';
export { createPrng, randomInt, deriveSeed } from './prng.ts';
export type { Prng } from './prng.ts';
