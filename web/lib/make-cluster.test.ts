// The page's create and fork requests are checked before they leave, and the answers as they come.
import { describe, expect, it } from 'vitest';
import { implementationListSchema } from '../../shared/protocol/clusters.ts';
import { parseAnswer } from './api-answer.ts';
import { clusterRequest } from './make-cluster.ts';

describe('clusterRequest', () => {
  it('creates or forks with the size and, once chosen, the implementation', () => {
    expect(clusterRequest({ nodes: 3, implementation: 'core' }, null)).toEqual({ ok: true, url: '/api/clusters', body: { nodes: 3, profile: 'teaching', implementation: 'core' } });
    expect(clusterRequest({ nodes: 5 }, { name: 'class a', nodes: 5, implementation: 'core' })).toEqual({ ok: true, url: '/api/clusters/class%20a/fork', body: { nodes: 5 } });
    expect(clusterRequest({ nodes: 2, implementation: 'raftlab' }, { name: 'x', nodes: 5 })).toMatchObject({ ok: true, body: { nodes: 2, implementation: 'raftlab' } });
  });

  it('refuses an empty or out-of-range size and a name that is not one, before asking the server', () => {
    expect(clusterRequest({ nodes: null }, null)).toEqual({ ok: false, error: 'say how many nodes (1 to 9)' });
    expect(clusterRequest({ nodes: 12 }, { name: 'x', nodes: 3 })).toMatchObject({ ok: false, error: expect.stringMatching(/^nodes:/) });
    expect(clusterRequest({ nodes: 3, implementation: 'python3 raft.py' }, null)).toMatchObject({ ok: false, error: expect.stringMatching(/^implementation:/) });
  });
});

describe('parseAnswer', () => {
  it('gives the value, the server\'s error, or what was malformed', () => {
    const list = { implementations: [{ name: 'raftlab', kind: 'built-in' }, { name: 'core', kind: 'process' }] };
    expect(parseAnswer({ ok: true, result: list }, implementationListSchema)).toEqual({ ok: true, value: list });
    expect(parseAnswer({ ok: false, code: 'bad-request', error: 'no implementation named "x"' }, implementationListSchema)).toEqual({ ok: false, error: 'no implementation named "x"' });
    expect(parseAnswer({ ok: true, result: { implementations: [{ name: 'core', kind: 'shell' }] } }, implementationListSchema)).toMatchObject({ ok: false, error: expect.stringMatching(/^a malformed answer \(implementations\.0\.kind/) });
    expect(parseAnswer('<html>', implementationListSchema)).toMatchObject({ ok: false, error: expect.stringMatching(/^not a lab answer/) });
  });
});
