// Starts a node worker from TypeScript source (tests, `npm run dev:server`). Node 20 refuses a .ts
// worker entry even with tsx in execArgv, so this boot file registers tsx inside the worker first.
// The built server (`npm start`) uses the esbuild bundle node-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');
