// The process host on real processes: init, validation of every line, the card's notes, exits with
// the stderr tail, kill / pause / restart by signals to the process group, and no process left.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForeignNodeHost, type ForeignHostEvents } from './foreign-node-host.ts';
import { commandArgv } from './command-line.ts';
import type { NodeReport } from '../../shared/node/protocol.ts';
import type { Envelope } from './maelstrom-protocol.ts';
import { MAX_LINE_BYTES, NodeProcess } from './node-process.ts';
import type { StartRunner } from './node-runner.ts';
import { processExists } from './process-probe.ts';

const processOf = (argv: readonly string[]): StartRunner => (dir, id, events) => new NodeProcess(argv, dir, id, events);

const dirs: string[] = [];
const hosts: ForeignNodeHost[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function processState(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0]!;
}

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Recorded {
  reports: NodeReport[];
  exits: { stop: string | null; error: string | null }[];
  notes: string[];
  clientMessages: Envelope[];
}

/** A program in a temp dir, hosted as node n1 of a cluster n1..n3; what it does is recorded. */
function hostProgram(source: string, options: { nodes?: string[] } = {}): { host: ForeignNodeHost; seen: Recorded; dir: string; start: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'raftlab-foreign-'));
  dirs.push(root);
  const program = join(root, 'program.mjs');
  writeFileSync(program, source);
  const seen: Recorded = { reports: [], exits: [], notes: [], clientMessages: [] };
  const events: ForeignHostEvents = {
    onReport: (_node, report) => void seen.reports.push(report),
    onExit: (_node, stop, error) => void seen.exits.push({ stop, error }),
    onClientMessage: (_from, message) => void seen.clientMessages.push(message),
    onNote: (_node, note) => void seen.notes.push(note),
  };
  const host = new ForeignNodeHost('n1', { start: processOf(commandArgv(program)), nodes: () => options.nodes ?? ['n1', 'n2', 'n3'] }, events);
  hosts.push(host);
  const dir = join(root, 'n1');
  const start = (): void => host.start({ id: 'n1', dir } as never);
  return { host, seen, dir, start };
}

/** Answers init, then runs `after` with send() in scope. */
function program(after: string): string {
  return `
import { createInterface } from 'node:readline';
let id = null;
const send = (dest, body) => process.stdout.write(JSON.stringify({ src: id, dest, body }) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.body.type === 'init') {
    id = m.body.node_id;
    send(m.src, { type: 'init_ok', in_reply_to: m.body.msg_id });
    ${after}
  } else {
    globalThis.onMessage?.(m);
  }
});`;
}

const alive = (seen: Recorded): boolean => seen.reports.some((report) => report.type === 'ready' && report.status !== undefined);
const messagesOf = (seen: Recorded) => seen.reports.flatMap((report) => (report.type === 'ready' ? report.messages : []));

describe('a foreign node process', () => {
  it('gets init with its id and the cluster, runs in its own directory with RAFTLAB_DATA_DIR, and its messages become bus data', async () => {
    const { seen, dir, start } = hostProgram(
      program(`
        require_fs.writeFileSync('seen.json', JSON.stringify({ init: m.body, dataDir: process.env.RAFTLAB_DATA_DIR, cwd: process.cwd(), token: process.env.RAFTLAB_TOKEN ?? null }));
        send('n2', { type: 'request_vote', term: 3, candidate_id: id });`).replace("import { createInterface } from 'node:readline';", "import { createInterface } from 'node:readline';\nimport * as require_fs from 'node:fs';"),
    );
    process.env['RAFTLAB_TOKEN'] = 'secret-token-of-the-server';
    try {
      start();
    } finally {
      delete process.env['RAFTLAB_TOKEN'];
    }
    await until('alive', () => alive(seen));
    const [message] = await until('a message', () => (messagesOf(seen).length > 0 ? messagesOf(seen) : null));
    expect(message).toMatchObject({ type: 'request_vote', from: 'n1', to: 'n2', term: 3, envelope: { src: 'n1', dest: 'n2', body: { type: 'request_vote', term: 3 } } });
    const written = JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8'));
    expect(written.init).toMatchObject({ type: 'init', node_id: 'n1', node_ids: ['n1', 'n2', 'n3'] });
    expect(written.dataDir).toBe(dir);
    expect(written.cwd).toBe(dir);
    expect(written.token).toBeNull(); // the server's secrets are not the student's program's
    expect(seen.notes).toEqual([]);
  });

  it('refuses non-JSON, non-messages, over-long lines, unknown dests and spoofed srcs, says so on the card, and keeps running', async () => {
    const { host, seen, start } = hostProgram(
      program(`
        console.error('about to misbehave');
        // stderr and stdout are two pipes read in either order: the misbehaviour comes a moment later.
        setTimeout(() => {
        process.stdout.write('hello, I am not JSON\\n');
        process.stdout.write(JSON.stringify({ src: id, body: { type: 'x' } }) + '\\n');
        process.stdout.write('{"src":"n1","dest":"n2","body":{"type":"big","pad":"' + 'x'.repeat(${MAX_LINE_BYTES}) + '"}}\\n');
        send('n7', { type: 'append_entries', term: 1 });
        process.stdout.write(JSON.stringify({ src: 'n2', dest: 'n3', body: { type: 'append_entries', term: 1 } }) + '\\n');
        send('n2', { type: 'still_here', term: 1 });
        }, 200);`),
    );
    start();
    await until('the message after the bad lines', () => messagesOf(seen).some((m) => m.type === 'still_here'));
    await until('five notes', () => seen.notes.length >= 5);
    expect(seen.notes[0]).toMatch(/not JSON: hello, I am not JSON/);
    // stdout and stderr are two pipes, read as they come: the stderr line may reach the host after
    // the first bad stdout line, but a note made after it carries it in its tail.
    expect(seen.notes.some((note) => /stderr: about to misbehave/.test(note))).toBe(true);
    expect(seen.notes[1]).toMatch(/not a Maelstrom message \(dest/);
    expect(seen.notes[2]).toMatch(/line of more than \d+ bytes/);
    expect(seen.notes[3]).toMatch(/sent a append_entries to n7, which is not a node of this cluster/);
    expect(seen.notes[4]).toMatch(/as n2 \(it is n1\)/);
    expect(messagesOf(seen).map((m) => m.type)).toEqual(['still_here']);
    expect(host.running).toBe(true);
  });

  it('drops a flood over the rate and says how much', async () => {
    const { seen, start } = hostProgram(program(`for (let i = 0; i < 30000; i++) send('n2', { type: 'spam', term: 1 });`));
    start();
    await until('a flood note', () => seen.notes.find((note) => /flooding: \d+ messages/.test(note)));
    const sent = messagesOf(seen).length;
    expect(sent).toBeLessThan(30_000);
    expect(sent).toBeGreaterThan(0);
  });

  it('an exit at start is a crash with the tail of its stderr, before init', async () => {
    const { host, seen, start } = hostProgram(`console.error('panic: cannot parse my config'); process.exit(3);`);
    start();
    const [exit] = await until('the exit', () => (seen.exits.length > 0 ? seen.exits : null));
    expect(exit!.stop).toBeNull();
    expect(exit!.error).toMatch(/exited with code 3 before answering init; its stderr ended with:\npanic: cannot parse my config/);
    expect(host.running).toBe(false);
  });

  it('a program that cannot be started is a crash that says why', async () => {
    const events: ForeignHostEvents = { onReport: () => {}, onExit: (_n, stop, error) => void exits.push({ stop, error }), onClientMessage: () => {}, onNote: () => {} };
    const exits: { stop: string | null; error: string | null }[] = [];
    const root = mkdtempSync(join(tmpdir(), 'raftlab-foreign-'));
    dirs.push(root);
    const host = new ForeignNodeHost('n1', { start: processOf(['/nonexistent/raft-node']), nodes: () => ['n1'] }, events);
    host.start({ id: 'n1', dir: join(root, 'n1') } as never);
    await until('the exit', () => exits.length > 0);
    expect(exits[0]!.error).toMatch(/could not start \/nonexistent\/raft-node: spawn \/nonexistent\/raft-node ENOENT/);
  });

  it('a crash mid-run is reported with its stderr; kill is SIGKILL to the group and leaves no process, its children included', async () => {
    const { host, seen, start } = hostProgram(
      program(`
        const { spawn } = await import('node:child_process');
        const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        send('n2', { type: 'child', term: 0, pid: child.pid });`).replace(".on('line', (line) => {", ".on('line', async (line) => {"),
    );
    start();
    const child = await until('the child pid', () => messagesOf(seen).find((m) => m.type === 'child'));
    const childPid = (child as unknown as { envelope: Envelope }).envelope.body['pid'] as number;
    const pid = host.pid!;
    expect(processExists(pid)).toBe(true);
    expect(processExists(childPid)).toBe(true);
    await host.kill();
    expect(seen.exits).toEqual([{ stop: 'killed', error: null }]);
    expect(processExists(pid)).toBe(false);
    await until('the child gone too', () => !processExists(childPid));
    expect(processExists(-pid)).toBe(false); // the whole group

    const crashing = hostProgram(program(`setTimeout(() => { console.error('TypeError: log is undefined'); process.exit(1); }, 50);`));
    crashing.start();
    await until('alive', () => alive(crashing.seen));
    await until('the crash', () => crashing.seen.exits.length > 0);
    expect(crashing.seen.exits[0]!.error).toMatch(/exited with code 1; its stderr ended with:\nTypeError: log is undefined/);
  });

  it('pause stops the process group (SIGSTOP) and holds client messages at its door; resume continues it', async () => {
    const { host, seen, start } = hostProgram(
      program(`globalThis.onMessage = (m) => send(m.src, { type: 'read_ok', in_reply_to: m.body.msg_id, value: 1 });`),
    );
    start();
    await until('alive', () => alive(seen));
    const pid = host.pid!;
    host.pause();
    await until('stopped', () => processState(pid) === 'T');
    expect(host.sendFromClient({ src: 'c1', dest: 'n1', body: { type: 'read', msg_id: 7, key: 'k' } })).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.clientMessages).toEqual([]);
    host.resume();
    await until('running again', () => processState(pid) !== 'T');
    const [reply] = await until('the held request answered', () => (seen.clientMessages.length > 0 ? seen.clientMessages : null));
    expect(reply).toEqual({ src: 'n1', dest: 'c1', body: { type: 'read_ok', in_reply_to: 7, value: 1 } });
  });

  it('a restart is a new process with the same id and directory: what the node wrote there is still there', async () => {
    const { host, seen, dir, start } = hostProgram(
      program(`
        const fs = await import('node:fs');
        const runs = fs.existsSync('runs') ? Number(fs.readFileSync('runs', 'utf8')) + 1 : 1;
        fs.writeFileSync('runs', String(runs));
        send('n2', { type: 'runs', term: runs });`).replace(".on('line', (line) => {", ".on('line', async (line) => {"),
    );
    start();
    await until('first run', () => messagesOf(seen).some((m) => m.type === 'runs' && m.term === 1));
    const first = host.pid;
    await host.kill();
    start();
    await until('second run', () => messagesOf(seen).some((m) => m.type === 'runs' && m.term === 2));
    expect(host.pid).not.toBe(first);
    expect(existsSync(join(dir, 'runs'))).toBe(true);
  });

  it('a malformed state report is said on the card; a good one becomes status, log and observations', async () => {
    const { seen, start } = hostProgram(
      program(`
        send('raftlab', { type: 'state', role: 'king', term: 1 });
        send('raftlab', { type: 'state', role: 'leader', term: 2, voted_for: 'n1', commit_index: 1, log_terms: [1, 2] });`),
    );
    start();
    await until('the note', () => seen.notes.length > 0);
    expect(seen.notes[0]).toMatch(/malformed state report \(role: /);
    const report = await until('the leader status', () => seen.reports.find((r) => r.type === 'ready' && r.status?.role === 'leader'));
    expect(report).toMatchObject({ status: { role: 'leader', term: 2, vote: 'n1', commit: 1, lastIndex: 2, lastTerm: 2, leader: 'n1' } });
    expect(report.type === 'ready' && report.observations.map((o) => o.kind)).toEqual(['role', 'append', 'hard-state']);
  });
});
