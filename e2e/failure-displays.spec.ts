// How the page shows things going wrong, from a crafted recording (replayed offline, so the test
// does not depend on provoking a bug in real nodes): a non-linearizable history drawn like
// Porcupine, and a safety violation turning its invariant red with a link to the moment.
import { emptyClusterView, PROTOCOL_VERSION, type ClusterEvent, type UnstampedEvent } from '../shared/protocol/index.ts';
import { expect, test } from './fixtures.ts';

function recording(): string {
  void PROTOCOL_VERSION;
  const start = emptyClusterView('demo', 'teaching', 10);
  const config = { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [] };
  const status = (node: string, role: 'leader' | 'follower'): UnstampedEvent => ({
    type: 'node-status',
    node,
    status: { role, term: 1, vote: 'n1', leader: 'n1', commit: 1, applied: 1, lastIndex: 1, lastTerm: 1, snapshotIndex: 0, config, progress: {}, electionElapsed: 0, electionTimeout: 20, leaseReadSafe: false },
  });
  const op = (opId: number, partial: Partial<Extract<ClusterEvent, { type: 'client-op' }>>): UnstampedEvent => ({
    type: 'client-op', opId, client: 'lab', op: 'put', key: 'color', value: 'blue', version: 1, cas: null, consistency: null, node: 'n1', outcome: 'ok', detail: '', start: 0, end: 0, ...partial,
  });
  const unstamped: UnstampedEvent[] = [
    { type: 'node-added', node: 'n1' },
    { type: 'node-added', node: 'n2' },
    { type: 'node-added', node: 'n3' },
    status('n1', 'leader'),
    status('n2', 'follower'),
    status('n3', 'follower'),
    op(1, { detail: 'put color = blue: committed at index 2', start: 60, end: 70 }),
    op(2, { op: 'get', value: null, version: 0, consistency: 'stale', node: 'n3', detail: 'get color (stale at n3) → absent (v0)', start: 80, end: 90 }),
    { type: 'violation', invariant: 'election-safety', explanation: 'n1 and n2 were both leader of term 1.' },
  ];
  const events = unstamped.map((event, i) => ({ ...event, seq: i + 1, time: (i + 1) * 10 + (i >= 6 ? 40 : 0) }));
  return JSON.stringify({ format: 'raftlab-recording', version: 1, name: 'broken on purpose', savedAt: new Date(0).toISOString(), cluster: 'demo', start, events });
}

test('a crafted recording shows a non-linearizable history and a violated invariant', async ({ page, labPage: lab }) => {
  await lab.open();
  await page.getByLabel('Import a recording').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(recording()) });
  await expect(lab.notices).toContainText('Imported recording “broken on purpose”');
  const list = page.getByRole('list', { name: 'Saved recordings' });
  await list.getByRole('button', { name: 'Replay broken on purpose' }).click();
  await expect(page.getByRole('banner')).toContainText('recording “broken on purpose”');

  await expect(page.getByRole('status', { name: 'Linearizability verdict' })).toContainText('Not linearizable (key “color”)');
  await expect(page.getByRole('img', { name: 'Failing sub-history of key color' })).toBeVisible();

  const invariant = page.getByRole('list', { name: 'Safety invariants' }).getByRole('listitem', { name: 'Election safety: VIOLATED' });
  await expect(invariant).toContainText('n1 and n2 were both leader of term 1.');
  await invariant.getByRole('button', { name: /Go to the moment/ }).click();
  await expect(page.getByLabel('Moment shown')).toHaveText(/0\.1\d s of 0\.1\d s/);

  await page.getByRole('button', { name: 'LIVE' }).click();
  await expect(page.getByLabel('Moment shown')).toHaveText('LIVE');
  await list.getByRole('button', { name: 'Delete broken on purpose' }).click();
});
