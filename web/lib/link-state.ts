// The state of a link between two nodes as the network view describes it: each direction up or cut
// (by a cut or by a partition), and whether its settings make it lossy or slow.
import type { LinkSettingsView, NetworkView } from '../../shared/protocol/index.ts';

export interface LinkState {
  readonly a: string;
  readonly b: string;
  /** a → b delivers. */
  readonly forward: boolean;
  /** b → a delivers. */
  readonly backward: boolean;
  readonly lossy: boolean;
  readonly slow: boolean;
}

function groupOf(partition: readonly (readonly string[])[], id: string): number {
  const at = partition.findIndex((group) => group.includes(id));
  // Nodes in no group form one more group together.
  return at < 0 ? partition.length : at;
}

export function canDeliver(network: NetworkView | null, from: string, to: string): boolean {
  if (!network) return true;
  if (network.cuts.some((cut) => cut.from === from && cut.to === to)) return false;
  if (network.partition && groupOf(network.partition, from) !== groupOf(network.partition, to)) return false;
  return true;
}

function effective(network: NetworkView, from: string, to: string): LinkSettingsView {
  const own = network.links.find((link) => link.from === from && link.to === to)?.settings ?? {};
  return { ...network.defaults, ...own };
}

/** Lossy: 5% or more lost; slow: at least twice the default latency (or 500 ms). */
export function linkState(network: NetworkView | null, a: string, b: string): LinkState {
  if (!network) return { a, b, forward: true, backward: true, lossy: false, slow: false };
  const ab = effective(network, a, b);
  const ba = effective(network, b, a);
  const slowAt = Math.max(500, network.defaults.latency * 2);
  const hasOwn = network.links.some((link) => (link.from === a && link.to === b) || (link.from === b && link.to === a));
  return {
    a,
    b,
    forward: canDeliver(network, a, b),
    backward: canDeliver(network, b, a),
    lossy: Math.max(ab.loss, ba.loss) >= 0.05,
    slow: hasOwn ? Math.max(ab.latency, ba.latency) >= slowAt : network.defaults.latency >= 500,
  };
}

export function describeLink(state: LinkState): string {
  const cut = !state.forward && !state.backward ? 'cut both ways' : !state.forward ? `cut ${state.a}→${state.b}` : !state.backward ? `cut ${state.b}→${state.a}` : 'up';
  const extras = [state.lossy ? 'lossy' : '', state.slow ? 'slow' : ''].filter(Boolean);
  return extras.length ? `${cut}, ${extras.join(', ')}` : cut;
}

/** Every unordered pair, in roster order. */
export function pairs(ids: readonly string[]): [string, string][] {
  return ids.flatMap((a, i) => ids.slice(i + 1).map((b) => [a, b] as [string, string]));
}
