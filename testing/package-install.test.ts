// The fixture package as another project meets it: `npm pack` (its prepack builds it), the tarball
// installed into a project outside the repository as a real copy (no symlink back to our sources),
// then that project's plain-Node script, its TypeScript and its Playwright test use it.
// testing/package-consumer/ holds the consumer's files.
import { execFile } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAFTLAB_ROOT } from './lab/root.ts';
// @ts-expect-error -- plain ESM helper shared with scripts/test.mjs, no type declarations
import { INSTALL_HINT, findChromium } from '../scripts/find-browser.mjs';

const run = promisify(execFile);
const CONSUMER_FILES = join(RAFTLAB_ROOT, 'testing', 'package-consumer');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The environment of a fresh shell: nothing from an `npm test` around us (npm_* of its run), and
 *  no lab of ours to attach to (the fixture reads RAFTLAB_URL). */
function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(?!config_cache$|config_registry$|config_userconfig$)/i.test(name) || name.startsWith('RAFTLAB_')) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

let work = '';
let consumer = '';
let tarball = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'raftlab-package-'));
  consumer = join(work, 'consumer');
  cpSync(CONSUMER_FILES, consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'raftlab-consumer', private: true, type: 'module' }));
  await run(NPM, ['pack', '--pack-destination', work], { cwd: RAFTLAB_ROOT, env: consumerEnv(), maxBuffer: 64 << 20 });
  tarball = join(work, readdirSync(work).find((name) => name.endsWith('.tgz'))!);
  // Their Playwright, the one we test with (from npm's cache when it holds it; else the registry).
  const playwright = JSON.parse(readFileSync(join(RAFTLAB_ROOT, 'node_modules', '@playwright', 'test', 'package.json'), 'utf8')).version as string;
  await run(NPM, ['install', tarball, `@playwright/test@${playwright}`, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: consumer, env: consumerEnv(), maxBuffer: 64 << 20 });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed raftlab, installed in another project', () => {
  it('is a real copy, not a link to the repository, and holds the build rather than the sources', () => {
    const installed = join(consumer, 'node_modules', 'raftlab');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(realpathSync(installed).startsWith(realpathSync(RAFTLAB_ROOT))).toBe(false);
    const files = readdirSync(installed, { recursive: true }).map(String);
    expect(files).toContain(join('dist', 'web', 'index.html'));
    expect(files).toContain(join('dist', 'server', 'node-worker.js'));
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('plain Node imports raftlab/testing: labs in a child process and in-process, a cluster, a write read back, the page', async () => {
    const { stdout } = await run(process.execPath, ['start-lab.mjs'], { cwd: consumer, env: consumerEnv(), maxBuffer: 16 << 20 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.resolved).toBe(`file://${realpathSync(join(consumer, 'node_modules', 'raftlab'))}/dist/server/raftlab-testing.js`);
    for (const mode of ['child', 'inProcess']) {
      expect(result[mode].leader).toMatch(/^n[123]$/);
      expect(result[mode].value).toBe(`hello from ${mode === 'child' ? 'child' : 'in-process'}`);
      expect(result[mode].page).toBe(200);
      expect(result[mode].html).toBe(true);
    }
  });

  it("TypeScript checks a consumer's file against the package's declarations", async () => {
    const tsconfig = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(RAFTLAB_ROOT, 'node_modules', '@types')] }, files: ['types.ts'] };
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(RAFTLAB_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(process.execPath, [tsc, '-p', '.'], { cwd: consumer, env: consumerEnv() }).then(() => '', (error: { stdout?: string }) => error.stdout ?? String(error));
    expect(checked).toBe('');
  });

  it('their Playwright test runs on raftlab/playwright: a lab of its own, the page, a kill, a new leader', async () => {
    const chromium = (findChromium as () => string | null)();
    if (!chromium) throw new Error(INSTALL_HINT as string);
    const cli = join(consumer, 'node_modules', '@playwright', 'test', 'cli.js');
    const outcome = await run(process.execPath, [cli, 'test'], { cwd: consumer, env: consumerEnv({ CONSUMER_CHROMIUM: chromium }), maxBuffer: 16 << 20 }).then(
      ({ stdout }) => stdout,
      (error: { stdout?: string; stderr?: string }) => `FAILED\n${error.stdout ?? ''}\n${error.stderr ?? ''}`,
    );
    expect(outcome).toMatch(/1 passed/);
    expect(outcome).not.toMatch(/FAILED/);
  }, 120_000);
});
