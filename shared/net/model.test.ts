import { describe, expect, it } from 'vitest';
import { NetworkModel } from './model.ts';
import { createPrng } from './prng.ts';
import { NetworkSettingsError } from './settings.ts';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const quiet = () => {
  const net = new NetworkModel(createPrng(1));
  net.setDefaults({ latency: 10, jitter: 0 });
  return net;
};

describe('NetworkModel.route', () => {
  it('delivers after latency plus jitter in [0, jitter]', () => {
    const net = new NetworkModel(createPrng(7));
    net.setDefaults({ latency: 20, jitter: 10 });
    for (let i = 0; i < 500; i++) {
      const { deliveries, dropReason } = net.route('n1', 'n2', 1000);
      expect(dropReason).toBeUndefined();
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]).toBeGreaterThanOrEqual(1020);
      expect(deliveries[0]).toBeLessThanOrEqual(1030);
    }
  });

  it('cuts one way or both ways', () => {
    const net = quiet();
    net.cut('n1', 'n2', 'one-way');
    expect(net.route('n1', 'n2', 0)).toEqual({ deliveries: [], dropReason: 'cut' });
    expect(net.route('n2', 'n1', 0).deliveries).toEqual([10]);
    net.cut('n3', 'n4');
    expect(net.route('n4', 'n3', 0).dropReason).toBe('cut');
    net.uncut('n3', 'n4');
    expect(net.route('n4', 'n3', 0).deliveries).toEqual([10]);
  });

  it('partitions into groups; unnamed nodes form one more group; heal restores everything', () => {
    const net = quiet();
    net.partition([['n1', 'n2'], ['n3', 'n4']]);
    expect(net.route('n1', 'n2', 0).deliveries).toEqual([10]);
    expect(net.route('n1', 'n3', 0).dropReason).toBe('partition');
    expect(net.route('n5', 'n6', 0).deliveries).toEqual([10]); // both unnamed
    expect(net.route('n5', 'n1', 0).dropReason).toBe('partition');
    net.cut('n1', 'n2');
    net.heal();
    for (const from of NODES) for (const to of NODES) expect(net.blocked(from, to)).toBeUndefined();
    expect(() => net.partition([['n1'], ['n1', 'n2']])).toThrow(/two partition groups/);
  });

  it('drops, duplicates and reorders at roughly the configured rates', () => {
    const net = new NetworkModel(createPrng(42));
    net.setDefaults({ latency: 10, jitter: 0, loss: 0.2, duplicate: 0.1, reorder: 0.3, reorderDelay: 100 });
    let lost = 0;
    let duplicated = 0;
    let delayed = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const r = net.route('n1', 'n2', 0);
      if (r.dropReason === 'loss') lost++;
      if (r.deliveries.length === 2) duplicated++;
      if ((r.deliveries[0] ?? 0) > 10) delayed++;
    }
    expect(lost / n).toBeCloseTo(0.2, 1);
    expect(duplicated / n).toBeCloseTo(0.8 * 0.1, 1);
    expect(delayed / n).toBeCloseTo(0.8 * 0.3, 1);
  });

  it('uses per-link overrides over the defaults', () => {
    const net = quiet();
    net.setLink('n1', 'n2', { latency: 500 }, 'both');
    expect(net.route('n1', 'n2', 0).deliveries).toEqual([500]);
    expect(net.route('n2', 'n1', 0).deliveries).toEqual([500]);
    expect(net.route('n1', 'n3', 0).deliveries).toEqual([10]);
    expect(net.linkSettings('n1', 'n2')).toMatchObject({ latency: 500, jitter: 0 });
    net.clearLink('n1', 'n2');
    expect(net.route('n1', 'n2', 0).deliveries).toEqual([10]);
  });

  it('calls a link instant only with no delay, loss, duplication, reordering, cut or partition', () => {
    const net = new NetworkModel(createPrng(1));
    net.setDefaults({ latency: 0, jitter: 0 });
    expect(net.isInstant('n1', 'n2')).toBe(true);
    for (const patch of [{ latency: 1 }, { jitter: 1 }, { loss: 0.01 }, { duplicate: 0.01 }, { reorder: 0.01 }]) {
      net.setLink('n1', 'n2', patch);
      expect(net.isInstant('n1', 'n2'), JSON.stringify(patch)).toBe(false);
      expect(net.isInstant('n2', 'n1')).toBe(true);
      net.clearLink('n1', 'n2');
    }
    net.cut('n1', 'n2', 'one-way');
    expect([net.isInstant('n1', 'n2'), net.isInstant('n2', 'n1')]).toEqual([false, true]);
    net.heal();
    net.isolate('n3', NODES);
    expect([net.isInstant('n1', 'n3'), net.isInstant('n3', 'n1'), net.isInstant('n1', 'n2')]).toEqual([false, false, true]);
    net.heal();
    net.setDefaults({ latency: 10 });
    expect(net.isInstant('n1', 'n2')).toBe(false);
  });

  it('replays exactly from the same seed, and a probability change does not shift other draws', () => {
    const trace = (loss: number) => {
      const net = new NetworkModel(createPrng(99));
      net.setDefaults({ latency: 5, jitter: 20, loss });
      return Array.from({ length: 50 }, (_, i) => net.route('n1', 'n2', i));
    };
    expect(trace(0.1)).toEqual(trace(0.1));
    const withLoss = trace(0.5);
    const without = trace(0);
    withLoss.forEach((r, i) => {
      if (r.dropReason === undefined) expect(r.deliveries).toEqual(without[i]?.deliveries);
    });
  });
});

describe('NetworkModel presets', () => {
  it('isolates a node', () => {
    const net = quiet();
    net.isolate('n3', NODES);
    expect(net.blocked('n3', 'n1')).toBe('partition');
    expect(net.blocked('n1', 'n5')).toBeUndefined();
    expect(() => net.isolate('n9', NODES)).toThrow(NetworkSettingsError);
  });

  it('splits a majority from a minority', () => {
    const net = quiet();
    expect(net.splitMajorityMinority(NODES)).toEqual({ majority: ['n1', 'n2', 'n3'], minority: ['n4', 'n5'] });
    expect(net.blocked('n3', 'n4')).toBe('partition');
    expect(net.splitMajorityMinority(NODES, ['n1'])).toEqual({ majority: ['n2', 'n3', 'n4', 'n5'], minority: ['n1'] });
    expect(() => net.splitMajorityMinority(['n1', 'n2', 'n3', 'n4'], ['n1', 'n2'])).toThrow(/not a majority/);
  });
});

describe('NetworkModel settings JSON', () => {
  it('round-trips every setting', () => {
    const net = quiet();
    net.setDefaults({ loss: 0.05 });
    net.setLink('n1', 'n2', { latency: 100, duplicate: 0.5 });
    net.cut('n4', 'n5', 'one-way');
    net.partition([['n1'], ['n2', 'n3']]);
    const json = JSON.parse(JSON.stringify(net.toJSON()));
    const copy = NetworkModel.fromJSON(json, createPrng(1));
    expect(copy.toJSON()).toEqual(net.toJSON());
    expect(copy.blocked('n4', 'n5')).toBe('cut');
    expect(copy.blocked('n5', 'n4')).toBeUndefined();
  });

  it.each([
    ['a non-object', 3, /must be an object/],
    ['a wrong version', { version: 2 }, /"version" must be 1/],
    ['a loss above 1', { version: 1, defaults: { latency: 1, jitter: 0, loss: 2, duplicate: 0, reorder: 0, reorderDelay: 0 }, links: [], cuts: [], partition: null }, /probability between 0 and 1/],
    ['a missing default', { version: 1, defaults: { latency: 1 }, links: [], cuts: [], partition: null }, /missing "jitter"/],
    ['an unknown setting', { version: 1, defaults: { latency: 1, jitter: 0, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0, speed: 1 }, links: [], cuts: [], partition: null }, /unknown setting "speed"/],
    ['a bad node id', { version: 1, defaults: { latency: 1, jitter: 0, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 }, links: [], cuts: [{ from: '', to: 'n1' }], partition: null }, /node id/],
  ])('rejects %s and leaves the model unchanged', (_name, value, message) => {
    const net = quiet();
    net.cut('n1', 'n2');
    const before = net.toJSON();
    expect(() => net.loadJSON(value)).toThrow(message);
    expect(net.toJSON()).toEqual(before);
  });
});
