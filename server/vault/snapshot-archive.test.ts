// Snapshots in Vault's archive layout, on a real lab: what GET answers is read back by the system's
// own tar and sha256sum (not by our code), restore takes it, and a changed, truncated, foreign or
// oversized archive is refused in Vault's words with nothing changed. Also the token self-lookup
// routes clients call at start-up.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RESTORE_BYTES } from '../../shared/kv/limits.ts';
import { formedIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { rawRequest, type RawAnswer } from '../http/raw-http.ts';
import { packArchive, sumsOf, unpackArchive } from './snapshot-archive.ts';
import { sealSums } from './snapshot-seal.ts';

let t: TestLab;
const scratch = mkdtempSync(join(tmpdir(), 'raftlab-archive-test-'));
beforeAll(async () => {
  t = await startTestLab({ nodes: 3 });
  // Formed: the archive's configuration lists every voter, and the joins must have committed.
  await t.until('default', 'a formed cluster', formedIn);
});
afterAll(async () => {
  await t.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

function call(method: string, path: string, body?: string | Buffer, token: string | null = t.token): Promise<RawAnswer> {
  return rawRequest(t.url, method, path, { headers: token === null ? {} : { 'x-vault-token': token }, ...(body === undefined ? {} : { body }) });
}
const put = async (key: string, data: Record<string, unknown>): Promise<void> => {
  expect((await call('PUT', `/c/default/v1/secret/data/${key}`, JSON.stringify({ data }))).status).toBe(200);
};
const read = async (key: string): Promise<unknown> => (await call('GET', `/c/default/v1/secret/data/${key}`)).json?.data?.data ?? null;
const save = async (): Promise<Buffer> => {
  const answer = await call('GET', '/c/default/v1/sys/storage/raft/snapshot');
  expect(answer.status).toBe(200);
  return answer.bytes;
};
const restore = (archive: Buffer, force = false): Promise<RawAnswer> => call('POST', `/c/default/v1/sys/storage/raft/${force ? 'snapshot-force' : 'snapshot'}`, archive);

describe('GET sys/storage/raft/snapshot', () => {
  it("answers a gzip'd tar of meta.json, state.bin, SHA256SUMS and a non-empty SHA256SUMS.sealed, which tar and sha256sum accept", async () => {
    await put('archive/one', { v: 1 });
    const answer = await call('GET', '/c/default/v1/sys/storage/raft/snapshot');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/gzip');
    const dir = mkdtempSync(join(scratch, 'save-'));
    writeFileSync(join(dir, 'raft.snap'), answer.bytes);
    // The order Vault writes them in; Vault's client reads until it meets SHA256SUMS.sealed.
    expect(execFileSync('tar', ['-tzf', 'raft.snap'], { cwd: dir, encoding: 'utf8' }).trim().split('\n')).toEqual(['meta.json', 'state.bin', 'SHA256SUMS', 'SHA256SUMS.sealed']);
    execFileSync('tar', ['-xzf', 'raft.snap'], { cwd: dir });
    expect(execFileSync('sha256sum', ['--check', '--strict', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toBe('meta.json: OK\nstate.bin: OK\n');
    expect(readFileSync(join(dir, 'SHA256SUMS.sealed')).length).toBeGreaterThan(0);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    const state = readFileSync(join(dir, 'state.bin'));
    expect(meta).toMatchObject({ Version: 1, Size: state.length, Raftlab: { cluster: 'default', keys: 1 } });
    expect(meta.Index).toBeGreaterThan(0);
    expect(meta.Term).toBeGreaterThan(0);
    expect(meta.Configuration.Servers.map((server: { ID: string }) => server.ID).sort()).toEqual(['n1', 'n2', 'n3']);
    const image = JSON.parse(state.toString('utf8'));
    expect(image.format).toBe('raftlab-kv/1');
    expect(image.keys.map((item: { key: string }) => item.key)).toEqual(['archive/one']);
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'SHA256SUMS.sealed', 'meta.json', 'raft.snap', 'state.bin']);
  });
});

describe('restoring an archive', () => {
  it('takes its own archive without force: every node goes back to it', async () => {
    await put('archive/kept', { v: 'before' });
    const archive = await save();
    await put('archive/kept', { v: 'after' });
    await put('archive/later', { v: 'after' });
    expect((await restore(archive)).status).toBe(204);
    expect(await read('archive/kept')).toEqual({ v: 'before' });
    expect((await call('GET', '/c/default/v1/secret/data/archive/later')).status).toBe(404);
    await t.until('default', 'every node restored', (view) => view.nodes.every((node) => node.kv['archive/kept']?.version === 1 && !node.kv['archive/later']));
  });

  it("refuses a changed state.bin in Vault's words, with force too, and changes nothing", async () => {
    const files = await unpackArchive(await save());
    const changed = Buffer.from(files.state.toString('utf8').replace('"before"', '"forged"'));
    expect(changed.equals(files.state)).toBe(false);
    await put('archive/mark', { v: 'now' });
    for (const force of [false, true]) {
      const answer = await restore(await packArchive({ ...files, state: changed }), force);
      expect(answer.status).toBe(400);
      expect(answer.json.errors).toEqual(['failed to read snapshot file: failed checking integrity of snapshot: hash check failed for "state.bin"']);
    }
    // Rewriting SHA256SUMS to match does not get past the sealed sums (without force).
    const resummed = await restore(await packArchive({ ...files, state: changed, sums: sumsOf({ meta: files.meta, state: changed }) }));
    expect(resummed.status).toBe(400);
    expect(resummed.json.errors).toEqual(['failed to read snapshot file: failed checking integrity of snapshot: hash check failed for "state.bin"']);
    expect(await read('archive/mark')).toEqual({ v: 'now' });
    expect(await read('archive/kept')).toEqual({ v: 'before' });
  });

  it("refuses another cluster's seal without force, in Vault's words, and takes it with snapshot-force", async () => {
    const files = await unpackArchive(await save());
    const foreign = await packArchive({ ...files, sealed: sealSums('elsewhere', files.sums) });
    const refused = await restore(foreign);
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual(['could not verify hash file, possibly the snapshot is using a different set of unseal keys; use the snapshot-force API to bypass this check (sealed by cluster "elsewhere", not default)']);
    const unsealed = await restore(await packArchive({ ...files, sealed: Buffer.from('x') }));
    expect(unsealed.status).toBe(400);
    expect(unsealed.json.errors[0]).toMatch(/^could not verify hash file/);
    expect((await restore(foreign, true)).status).toBe(204);
  });

  it('refuses a truncated archive, an unexpected file and junk with a 400 that says so', async () => {
    const archive = await save();
    const truncated = await restore(archive.subarray(0, Math.floor(archive.length / 2)));
    expect(truncated.status).toBe(400);
    expect(truncated.json.errors[0]).toMatch(/^failed to decompress snapshot: /);
    const files = await unpackArchive(archive);
    // A tar with a fifth file, gzip'd whole: Vault refuses a file it does not expect.
    const { pack } = await import('tar-stream');
    const tar = pack();
    const chunks: Buffer[] = [];
    tar.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    const ended = new Promise<void>((resolve) => tar.on('end', () => resolve()));
    tar.entry({ name: 'meta.json' }, files.meta);
    tar.entry({ name: '../../etc/evil' }, Buffer.from('x'));
    tar.finalize();
    await ended;
    const extra = await restore(gzipSync(Buffer.concat(chunks)));
    expect(extra.status).toBe(400);
    expect(extra.json.errors).toEqual(['failed to read snapshot file: unexpected file "../../etc/evil" in snapshot']);
    const garbage = await restore(gzipSync(Buffer.from('not a tar at all, just text that is long enough to be a header'.repeat(20))));
    expect(garbage.status).toBe(400);
    expect(garbage.json.errors[0]).toMatch(/^failed to read snapshot file: /);
    expect(await read('archive/kept')).toEqual({ v: 'before' });
  });

  it('answers an archive whose store image is past 8 MiB with 413, however small it is packed', async () => {
    // 9 MiB of one character gzips to a few KiB: the limit is on what it unpacks to.
    const state = Buffer.alloc(MAX_RESTORE_BYTES + 1024 * 1024, 0x20);
    const meta = Buffer.from('{}\n');
    const sums = sumsOf({ meta, state });
    const bomb = await packArchive({ meta, state, sums, sealed: sealSums('default', sums) });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const answer = await restore(bomb);
    expect(answer.status).toBe(413);
    expect(answer.json.errors[0]).toMatch(/limit is 8388608 \(8 MiB\)/);
  });
});

describe('auth/token/lookup-self and renew-self', () => {
  it("describe the cluster's token as Vault describes a root token, and refuse any other with 403", async () => {
    const lookup = await call('GET', '/c/default/v1/auth/token/lookup-self');
    expect(lookup.status).toBe(200);
    expect(lookup.json.data).toMatchObject({ id: t.token, policies: ['root'], ttl: 0, expire_time: null, renewable: false, type: 'service', orphan: true, path: 'auth/token/root' });
    expect(typeof lookup.json.data.creation_time).toBe('number');
    expect(lookup.json.data.accessor).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(lookup.json.data.accessor).not.toContain(t.token);

    const renew = await call('POST', '/c/default/v1/auth/token/renew-self', '{"increment":"1h"}');
    expect(renew.status).toBe(200);
    expect(renew.json.auth).toMatchObject({ client_token: t.token, policies: ['root'], lease_duration: 0, renewable: false });
    expect((await call('PUT', '/c/default/v1/auth/token/renew-self')).status).toBe(200);
    expect((await call('POST', '/c/default/v1/auth/token/renew-self', '{"increment":[1]}')).status).toBe(400);

    for (const token of [null, 'not-the-token']) {
      for (const [method, route] of [['GET', 'lookup-self'], ['POST', 'renew-self']] as const) {
        const answer = await call(method, `/c/default/v1/auth/token/${route}`, undefined, token);
        expect(answer.status, `${method} ${route} with ${token}`).toBe(403);
        expect(answer.json).toEqual({ errors: ['permission denied'] });
      }
    }
    expect((await call('POST', '/c/default/v1/auth/token/lookup-self')).status).toBe(405);
  });
});
