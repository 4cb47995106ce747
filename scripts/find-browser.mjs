// Finds a Chromium for the Playwright suite without downloading anything: $RAFTLAB_CHROMIUM or
// $CHROMIUM_PATH, then the system's Chromium, then Playwright's own cache.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'];

export const INSTALL_HINT = [
  'No Chromium found for the browser tests. Install one, then run `npm test` again:',
  '  Debian/Ubuntu:  sudo apt-get install -y chromium',
  '  elsewhere:      npx playwright install chromium   (downloads a browser)',
  '  or point at one: RAFTLAB_CHROMIUM=/path/to/chromium npm test',
].join('\n');

/** The browser's path, or null. */
export function findChromium() {
  for (const name of ['RAFTLAB_CHROMIUM', 'CHROMIUM_PATH']) {
    const path = process.env[name];
    if (path) return existsSync(path) ? path : null;
  }
  for (const path of SYSTEM_PATHS) if (existsSync(path)) return path;
  try {
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return bundled;
  } catch {
    // Playwright has no browser of its own installed.
  }
  return null;
}
