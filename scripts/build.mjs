// `npm run build`: the page (Vite → dist/web) and the server with its node worker (esbuild →
// dist/server). Bundled workers start fast and cost ~9 MB each instead of ~29 MB under tsx.
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';

const started = performance.now();
await viteBuild({ logLevel: 'warn' });
await esbuild({
  entryPoints: { main: 'server/main.ts', 'node-worker': 'server/cluster/node-worker.ts' },
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // ws's optional native add-ons are not installed; it falls back to JavaScript without them.
  external: ['bufferutil', 'utf-8-validate'],
  // Bundled CommonJS (ws) calls require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __raftlabRequire } from 'node:module'; const require = __raftlabRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`raftlab: built dist/web and dist/server in ${Math.round(performance.now() - started)} ms`);
