// Where the lab's own files are, whether this code runs from the repository's sources (vitest,
// Playwright, tsx) or from the build an installed package carries (dist/server/*.js, made by
// scripts/build-package.mjs). Found from this module's URL, as the build moves it into a chunk.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** True when this is testing/lab/root.ts itself, false inside the package's bundle. */
export const FROM_SOURCE = here.endsWith('.ts');

/** The package's root: the nearest directory above with raftlab's package.json. */
export const RAFTLAB_ROOT = findRoot(dirname(here));

/** The built page (`npm run build`; in the package's tarball). */
export const WEB_ROOT = join(RAFTLAB_ROOT, 'dist', 'web');

/** Node's arguments that run the lab server (main.ts) in a child process: from source through tsx
 *  (a devDependency, so only in the repository), otherwise the bundled server, which needs nothing
 *  from node_modules. `preload` is loaded first (--import). */
export function serverArgv(preload: string): string[] {
  const preloads = ['--import', pathToFileURL(preload).href];
  if (FROM_SOURCE) {
    const tsx = createRequire(join(RAFTLAB_ROOT, 'package.json')).resolve('tsx');
    return ['--import', pathToFileURL(tsx).href, ...preloads, join(RAFTLAB_ROOT, 'server', 'main.ts')];
  }
  const bundled = join(RAFTLAB_ROOT, 'dist', 'server', 'main.js');
  if (!existsSync(bundled)) throw new Error(`startLab: ${bundled} is missing: this raftlab package was packed without its build (npm pack runs it as prepack)`);
  return [...preloads, bundled];
}

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'raftlab') return dir;
    if (dirname(dir) === dir) throw new Error(`raftlab: no raftlab package.json above ${start}`);
  }
}
