// A small seeded PRNG (sfc32, seeded through splitmix32) so that everything random in the lab —
// message loss, jitter, fault schedules — replays exactly from one seed. Not cryptographic.

export type Prng = () => number;

/** Returns a generator of floats in [0, 1) fully determined by `seed` (any 32-bit integer). */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // discard the first outputs, which correlate with the seed
  return next;
}

/** An integer in [min, max] (inclusive) drawn from `rng`. */
export function randomInt(rng: Prng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** Derives an independent seed for a named sub-stream, so adding draws to one stream (say,
 *  client load) does not shift another (say, network faults) for the same top-level seed. */
export function deriveSeed(seed: number, stream: string): number {
  let hash = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < stream.length; i++) hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
