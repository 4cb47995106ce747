// `npm test`: type checks, unit tests, then the browser suite in real Chromium. Ends with one
// line "N passed, N failed" summing every runner.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { INSTALL_HINT, findChromium } from './find-browser.mjs';

const TMP = '.raftlab-tmp';
mkdirSync(TMP, { recursive: true });
const totals = { passed: 0, failed: 0 };
let broken = false;

function run(title, command, args) {
  console.log(`\n── ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`── ${title} failed (exit ${result.status ?? result.signal})`);
    return false;
  }
  return true;
}

const npx = (tool, ...args) => ['npx', ['--no-install', tool, ...args]];

// 1. Types: the server, shared code and tests (tsc), and the Svelte components (svelte-check).
if (!run('types', ...npx('tsc', '--noEmit', '-p', 'tsconfig.json'))) { totals.failed += 1; broken = true; } else totals.passed += 1;
if (!run('svelte types', ...npx('svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human'))) { totals.failed += 1; broken = true; } else totals.passed += 1;

// 2. Unit and integration tests (vitest).
const vitestJson = `${TMP}/vitest-results.json`;
rmSync(vitestJson, { force: true });
const unitOk = run('unit tests', ...npx('vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`));
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed += (report.numFailedTests ?? 0) + (unitOk ? 0 : report.numFailedTests ? 0 : 1);
} else if (!unitOk) totals.failed += 1;
if (!unitOk) broken = true;

// 3. The browser suite against the real server and real nodes.
if (!findChromium()) {
  console.error(`\n${INSTALL_HINT}`);
  totals.failed += 1;
  broken = true;
} else {
  const e2eJson = `${TMP}/playwright-results.json`;
  rmSync(e2eJson, { force: true });
  // A free port for the suite's own server, so a lab already running (or another test run) is no obstacle.
  process.env.RAFTLAB_E2E_PORT ??= String(await freePort());
  const e2eOk = run('browser tests', ...npx('playwright', 'test'));
  if (existsSync(e2eJson)) {
    const stats = JSON.parse(readFileSync(e2eJson, 'utf8')).stats ?? {};
    totals.passed += stats.expected ?? 0;
    totals.failed += (stats.unexpected ?? 0) + (stats.flaky ?? 0);
    if (!e2eOk && !stats.unexpected) totals.failed += 1;
  } else if (!e2eOk) totals.failed += 1;
  if (!e2eOk) broken = true;
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
process.exit(broken ? 1 : 0);
