// `npm pack` (prepack, after `npm run build`): what an installed raftlab package runs, since Node
// does not load .ts from node_modules and Playwright does not transpile it there.
//   dist/server/raftlab-{testing,playwright}.js  the two entry points, bundled (their shared code
//     in one chunk, so both see one LabClient); beside the server bundle, whose node-worker.js an
//     in-process lab starts.
//   dist/types/  declarations, which package.json's exports name under "types".
// Inside the repository nothing needs them: tsconfig.json's paths send both names to the sources.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const started = performance.now();
// Chunk names carry a content hash: a former build's would stay beside the new ones.
for (const name of readdirSync('dist/server')) if (name.startsWith('raftlab-')) rmSync(`dist/server/${name}`);
await build({
  entryPoints: { 'raftlab-testing': 'testing/index.ts', 'raftlab-playwright': 'testing/playwright/index.ts' },
  outdir: 'dist/server',
  chunkNames: 'raftlab-fixture-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // The test's own Playwright: a second copy would be a second test runner. The rest as build.mjs.
  external: ['@playwright/test', 'bufferutil', 'utf-8-validate', 'tsx', 'tsx/*'],
  banner: { js: "import { createRequire as __raftlabRequire } from 'node:module'; const require = __raftlabRequire(import.meta.url);" },
  logLevel: 'warning',
});

rmSync('dist/types', { recursive: true, force: true });
const tsc = spawnSync('npx', ['--no-install', 'tsc', '-p', 'testing/tsconfig.package.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
console.log(`raftlab: built the fixture package (dist/server/raftlab-*.js, dist/types) in ${Math.round(performance.now() - started)} ms`);
