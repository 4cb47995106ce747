// A small seeded PRNG (mulberry32). The core has no unseeded randomness: hosts create one of these
// per node from a seed so that every election timeout can be replayed exactly.

/** Returns a function yielding floats in [0, 1), fully determined by `seed`. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives a per-node seed from a cluster seed and a node id, so nodes do not share a sequence. */
export function seedFor(clusterSeed: number, nodeId: string): number {
  let h = (clusterSeed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < nodeId.length; i++) {
    h = Math.imul(h ^ nodeId.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}
