// A lab server in a child process: `node --import tsx server/main.ts --port 0 …` from source (as
// `npm run dev:server` runs it) or the bundled dist/server/main.js from an installed package
// (root.ts), ready once it prints its address; stopped with SIGTERM, which main.ts
// answers by stopping every node. It watches that this process still exists and stops once it
// does not (exit-with-parent.mjs).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LabSettings } from './lab-options.ts';
import { RAFTLAB_ROOT, serverArgv } from './root.ts';

const READY_MS = 60_000;
/** main.ts's line `raftlab: watch:   http://127.0.0.1:PORT/`. */
const WATCH_LINE = /^raftlab: watch:\s+(http:\/\/\S+?)\/\s*$/m;

export async function startChildLab(settings: LabSettings, dataDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const args = [...serverArgv(join(RAFTLAB_ROOT, 'testing', 'lab', 'exit-with-parent.mjs')), '--port', '0', '--data-dir', dataDir, '--nodes', String(settings.nodes), '--profile', settings.profile, '--token', settings.token!];
  for (const [name, command] of Object.entries(settings.implementations)) args.push('--implementation', `${name}=${command}`);
  // The test's own directory: an implementation's relative paths are the test author's.
  const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAFTLAB_TOKEN: '', RAFTLAB_PARENT_PID: String(process.pid) } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`it printed no address within ${READY_MS / 1000} s`), READY_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`startLab: the lab server did not start: ${why}\n${said(output)}`));
    };
    const read = (chunk: Buffer): void => {
      // Keep the tail only (for a failure's message); the pipe is read to the end either way.
      output = (output + String(chunk)).slice(-8000);
      const found = WATCH_LINE.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('error', (error) => fail(error.message));
    void exited.then((code) => fail(`it exited with code ${code}`));
  });
  return {
    url,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What a server that did not start said: its own "raftlab: …" lines (the reason comes before the
 *  usage text it may print), else the end of its output. */
function said(output: string): string {
  const own = output.split('\n').filter((line) => line.startsWith('raftlab:'));
  return own.length > 0 ? own.join('\n').slice(-2000) : output.slice(-2000);
}
