import { describe, expect, it } from 'vitest';
import { emptyClusterView, emptyNodeView } from '../../shared/protocol/index.ts';
import { statusLines } from './status-lines.ts';

describe('lab status', () => {
  it('prints each node, a partition and cut links when there are any, and the clock', () => {
    const view = emptyClusterView('default', 'teaching', 10);
    view.nodes.push({ ...emptyNodeView('n1'), life: 'alive', role: 'leader', term: 3, commit: 7, applied: 7 }, { ...emptyNodeView('n2'), life: 'dead', term: 2 });
    expect(statusLines({ cluster: view, control: false })).toEqual([
      'n1  leader  term 3  commit 7  applied 7',
      'n2  dead  term 2  commit 0  applied 0',
      `clock ${view.clock.speed}× · 0 messages in flight · watching only`,
    ]);
    const defaults = { latency: 25, jitter: 10, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 50 };
    view.network = { version: 1, defaults, links: [], partition: [['n1'], ['n2', 'n3']], cuts: [{ from: 'n1', to: 'n3' }] };
    expect(statusLines({ cluster: view, control: true }).slice(2)).toEqual([
      'network: partitioned into [n1] [n2 n3]',
      'cut links: n1→n3',
      `clock ${view.clock.speed}× · 0 messages in flight · you control it`,
    ]);
  });

  it('refuses an answer that is not a cluster view, naming the version question', () => {
    expect(() => statusLines({ cluster: { nodes: 'many' }, control: true })).toThrow(/same version/);
  });
});
