export * from './types.ts';
export * from './refs.ts';
export * from './expectations.ts';
export * from './runner.ts';
export { SCENARIOS, findScenario } from './library/index.ts';
