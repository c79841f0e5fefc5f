import { Rng, hashString } from '@agent-forge/core';

/**
 * xoroshiro128+ seeded from a small integer starts from a nearly linear state: the first draws of
 * seeds 0, 1, 2… (and of `Rng.fork` children of neighbouring seeds) agree to 7 digits. A DARE mask
 * over "many seeds" would then be the same mask. So each (seed, tensor, model) stream is seeded from a
 * mixed hash of all three, and its first draws are discarded until the state has mixed.
 */
const WARM_UP_DRAWS = 16;

export function seededStream(seed: number, tensor: string, model: string): Rng {
  const rng = Rng.fromSeed(mix32(hashString(`${seed}\u0000${tensor}\u0000${model}`)));
  for (let i = 0; i < WARM_UP_DRAWS; i++) rng.float();
  return rng;
}

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
