// The page's create and fork requests are checked before they leave, and the answers as they come.
import { describe, expect, it } from 'vitest';
import { implementationListSchema } from '../../shared/protocol/clusters.ts';
import { parseAnswer } from './api-answer.ts';
import { clusterNameSchema } from '../../shared/protocol/schemas.ts';
import { freshClusterName } from '../../shared/protocol/fork-settings.ts';
import { clusterRequest } from './make-cluster.ts';

describe('clusterRequest', () => {
  const lecture = { name: 'lecture', nodes: 5, profile: 'production' as const, implementation: 'core', settings: [{ type: 'switches' as const, preVote: false }], publicValues: true };

  it('creates at a chosen name, or forks with the source\'s profile, implementation and settings unless told otherwise', () => {
    expect(clusterRequest({ nodes: 3, implementation: 'core' }, null, 'lab-abc123')).toEqual({ ok: true, url: '/api/clusters/lab-abc123', body: { nodes: 3, profile: 'teaching', implementation: 'core' } });
    expect(clusterRequest({ nodes: 5 }, lecture, 'lecture-x1')).toEqual({
      ok: true,
      url: '/api/clusters/lecture-x1',
      body: { nodes: 5, profile: 'production', implementation: 'core', forkedFrom: 'lecture', settings: [{ type: 'switches', preVote: false }], publicValues: true },
    });
    expect(clusterRequest({ nodes: 2, implementation: 'raftlab' }, lecture, 'lecture-x2')).toMatchObject({ ok: true, body: { nodes: 2, implementation: 'raftlab' } });
  });

  it('refuses an empty or out-of-range size, a name that is not one, or a setting that is not a setting, before asking the server', () => {
    expect(clusterRequest({ nodes: null }, null, 'lab-a')).toEqual({ ok: false, error: 'say how many nodes (1 to 9)' });
    expect(clusterRequest({ nodes: 12 }, lecture, 'lab-a')).toMatchObject({ ok: false, error: expect.stringMatching(/^nodes:/) });
    expect(clusterRequest({ nodes: 3, implementation: 'python3 raft.py' }, null, 'lab-a')).toMatchObject({ ok: false, error: expect.stringMatching(/^implementation:/) });
    expect(clusterRequest({ nodes: 3 }, { ...lecture, settings: [{ type: 'kill', node: 'n1' } as never] }, 'lab-a')).toMatchObject({ ok: false, error: expect.stringMatching(/setting/) });
  });

  it('names a fork after its source, within the 32 characters a name may have', () => {
    const fork = freshClusterName('a-very-long-cluster-name-of-32ch', () => 0.5);
    expect(fork).toBe('a-very-long-cluster-name-iiiiii');
    expect(clusterNameSchema.safeParse(fork).success).toBe(true);
    expect(freshClusterName(null, () => 0)).toBe('lab-000000');
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
