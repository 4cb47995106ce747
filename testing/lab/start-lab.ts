// startLab: a whole lab server for a test, on an ephemeral port, in a child process or in this one,
// with a typed client and a stop that removes what it made. `await using lab = await startLab()`
// stops it at the end of the block (Symbol.asyncDispose).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeValidationError } from '../../shared/protocol/commands.ts';
import { generateToken } from '../../server/auth/tokens.ts';
import { startChildLab } from './child-lab.ts';
import { LabClient } from './lab-client.ts';
import { startLabOptionsSchema, type LabSettings, type StartLabOptions } from './lab-options.ts';
import { WEB_ROOT } from './root.ts';

export interface Lab extends AsyncDisposable {
  /** The server's origin, e.g. http://127.0.0.1:40123 (the page, the REST API, /metrics). */
  readonly url: string;
  /** The default cluster's control token. */
  readonly token: string;
  /** A cluster's Vault address (VAULT_ADDR): its load-balancer URL; default the default cluster. */
  vaultAddr(cluster?: string): string;
  readonly client: LabClient;
  readonly dataDir: string;
  /** Stops the server (every node) and removes a temporary data directory; safe to call twice. */
  stop(): Promise<void>;
}

/** The seed is the simulator's, not the lab's: said at once rather than ignored. */
const NO_SEED = "the lab's real nodes run in real time on worker threads and take their randomness from the OS, so no seed replays them; a seeded, replayable run is the simulator's (npm run sim -- --seed N, shared/sim)";

export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  if (options !== null && typeof options === 'object' && 'seed' in options) throw new TypeError(`startLab: no seed option: ${NO_SEED}`);
  const parsed = startLabOptionsSchema.safeParse(options);
  if (!parsed.success) throw new TypeError(`startLab: ${describeValidationError(parsed.error)}`);
  const settings: LabSettings = { ...parsed.data, token: parsed.data.token ?? generateToken() };
  const temporary = settings.dataDir === undefined;
  const dataDir = settings.dataDir ? resolve(settings.dataDir) : mkdtempSync(join(tmpdir(), 'raftlab-lab-'));
  let server: { url: string; close(): Promise<void> };
  try {
    server = settings.mode === 'child' ? await startChildLab(settings, dataDir) : await startInProcess(settings, dataDir);
  } catch (error) {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= server.close().finally(() => {
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    }));
  return {
    url: server.url,
    token: settings.token!,
    vaultAddr: (cluster = 'default') => `${server.url}/c/${encodeURIComponent(cluster)}`,
    client: new LabClient(server.url),
    dataDir,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function startInProcess(settings: LabSettings, dataDir: string): Promise<{ url: string; close(): Promise<void> }> {
  // Loaded only here, so a child-process lab never loads the server into the test's process.
  const [{ startLabServer }, { parseImplementation }] = await Promise.all([import('../../server/lab-server.ts'), import('../../server/foreign/implementations.ts')]);
  const implementations = Object.entries(settings.implementations).map(([name, command]) => parseImplementation(`${name}=${command}`, process.cwd()));
  const lab = await startLabServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    nodes: settings.nodes,
    profile: settings.profile,
    webRoot: WEB_ROOT,
    token: settings.token!,
    implementations,
  });
  return { url: lab.url, close: () => lab.close() };
}

/** A lab already running (a Playwright webServer, `npm start`): the same handle, whose stop does
 *  nothing (whoever started it stops it). `token` is its default cluster's, if known. */
export function attachLab(url: string, token = ''): Lab {
  const origin = new URL(url).origin;
  const stop = async (): Promise<void> => {};
  return { url: origin, token, vaultAddr: (cluster = 'default') => `${origin}/c/${encodeURIComponent(cluster)}`, client: new LabClient(origin), dataDir: '', stop, [Symbol.asyncDispose]: stop };
}
