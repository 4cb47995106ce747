// The Vault API through a second, independent client: Python's hvac (Debian's python3-hvac) runs
// server/vault/hvac-suite.py against a real lab — KV v2, health, leader, raft configuration with
// its field types, token self-lookup, and a snapshot saved as bytes and restored into a new cluster.
// The lab then checks, on its own side, that every node of the new cluster holds what was restored.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderIn, startTestLab, type TestLab } from '../http/lab-test-server.ts';
import { rawRequest } from '../http/raw-http.ts';

const run = promisify(execFile);
// Debian's python3-hvac installs for the system's Python; a python3 earlier on PATH may lack it.
const PYTHON = '/usr/bin/python3';
const SUITE = join(import.meta.dirname, 'hvac-suite.py');

let t: TestLab;
let target: { name: string; token: string };
beforeAll(async () => {
  try {
    await run(PYTHON, ['-c', 'import hvac']);
  } catch {
    throw new Error(`${PYTHON} cannot import hvac: install it with \`apt-get install python3-hvac\` (.ci/run does)`);
  }
  t = await startTestLab({ nodes: 3 });
  await t.until('default', 'a leader', leaderIn);
  const created = await rawRequest(t.url, 'POST', '/api/clusters', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: 3, profile: 'production', name: 'recovery' }) });
  expect(created.status).toBe(201);
  target = created.json.result;
  await t.until('recovery', 'a leader in the new cluster', leaderIn);
});
afterAll(async () => t?.dispose());

describe('hvac against the lab', () => {
  it('passes every check of hvac-suite.py, and the new cluster holds the restored keys on every node', async () => {
    let stdout: string;
    try {
      ({ stdout } = await run(PYTHON, [SUITE], {
        timeout: 120_000,
        // Only what the script needs: no proxy variables (requests would honour them), no PYTHONPATH.
        env: { PATH: '/usr/bin:/bin', SOURCE_ADDR: `${t.url}/c/default`, SOURCE_TOKEN: t.token, TARGET_ADDR: `${t.url}/c/recovery`, TARGET_TOKEN: target.token },
      }));
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      throw new Error(`hvac-suite.py failed:\n${failed.stdout ?? ''}\n${(failed.stderr ?? '').slice(-3000)}`);
    }
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { check?: string; ok?: boolean; done?: boolean });
    expect(lines.at(-1)).toEqual({ done: true });
    const checks = lines.filter((line) => line.check !== undefined);
    expect(checks.every((line) => line.ok)).toBe(true);
    expect(checks.map((line) => line.check)).toEqual(
      expect.arrayContaining(['is_authenticated', 'cas=1 makes version 2', 'node_id/address are strings, leader/voter booleans', 'take_raft_snapshot is a response, not parsed JSON', 'restore into another cluster needs force', 'the new cluster reads what was saved']),
    );
    expect(checks.length).toBeGreaterThanOrEqual(24);
    await t.until('recovery', 'every node restored', (view) => view.nodes.every((node) => node.kv['app/db']?.version === 2));
  });
});
