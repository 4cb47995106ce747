// Test helper: Debian's prometheus package (promtool and the server), which .ci/run installs. A
// test that needs them fails, never skips, when they are missing, and says what to install.
import { existsSync } from 'node:fs';

function binary(name: string): string {
  const found = [`/usr/bin/${name}`, `/usr/local/bin/${name}`].find((path) => existsSync(path));
  if (!found) throw new Error(`${name} is not installed: install it with \`apt-get install prometheus\` (.ci/run does)`);
  return found;
}

export const promtool = (): string => binary('promtool');
export const prometheusServer = (): string => binary('prometheus');
