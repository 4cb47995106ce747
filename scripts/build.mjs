// `npm run build`: the page (Vite → dist/web) and the server with its node worker (esbuild →
// dist/server). Bundled workers start fast and cost ~9 MB each instead of ~29 MB under tsx.
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';

const started = performance.now();
await viteBuild({ logLevel: 'warn' });
await esbuild({
  // module-worker runs a foreign node written as a JS/TS module (server/foreign/module-node.ts).
  entryPoints: { main: 'server/main.ts', 'node-worker': 'server/cluster/node-worker.ts', 'module-worker': 'server/foreign/module-worker.mjs' },
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // ws's optional native add-ons are not installed; it falls back to JavaScript without them.
  // tsx stays a package: a .ts node (process or module) is loaded by it from node_modules.
  external: ['bufferutil', 'utf-8-validate', 'tsx', 'tsx/*'],
  // Bundled CommonJS (ws) calls require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __raftlabRequire } from 'node:module'; const require = __raftlabRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`raftlab: built dist/web and dist/server in ${Math.round(performance.now() - started)} ms`);
