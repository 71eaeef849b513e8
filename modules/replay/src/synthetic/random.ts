/**
 * Stateless pseudo-random numbers: a value is a pure function of (seed, gateway, tick, stream), so
 * the fleet needs no per-gateway generator state and any gateway/tick can be computed on demand.
 * The mixer is the murmur3 32-bit finaliser applied to each input in turn.
 */
function mix(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Uniform in [0, 1). */
export function uniform(seed: number, gateway: number, tick: number, stream: number): number {
  let h = mix(seed ^ 0x9e3779b9);
  h = mix(h ^ gateway);
  h = mix(h ^ (tick | 0) ^ Math.floor(tick / 4294967296));
  h = mix(h ^ stream);
  return h / 4294967296;
}

/** Approximately standard normal (Irwin–Hall with 4 terms, rescaled): cheap and bounded (±3.46). */
export function gaussian(seed: number, gateway: number, tick: number, stream: number): number {
  const sum =
    uniform(seed, gateway, tick, stream) +
    uniform(seed, gateway, tick, stream + 101) +
    uniform(seed, gateway, tick, stream + 202) +
    uniform(seed, gateway, tick, stream + 303);
  return (sum - 2) * Math.sqrt(3);
}
